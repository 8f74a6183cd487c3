namespace Cepstra.Dataset;

/// <summary>
/// Lists the files under a dataset folder, following directory symlinks once per real directory.
/// The real tree is walked first without following any link, so a file that is reachable both directly
/// and through a link is listed under its real path (and labelled by its real genre folder). Then each
/// directory link is followed only if its target is a directory no walk has seen: a link into the tree
/// (<c>jazz/loop -> ..</c>, <c>bluesdup -> ../blues</c>) adds nothing, so loops and duplicates are
/// impossible; a link to a folder outside the tree (<c>jazz -> /mnt/disk2/jazz</c>) is listed under the
/// link's path, the only name it has in the dataset. File links to a file already listed are skipped.
/// Hidden entries (a leading dot) and unreadable folders are skipped.
/// </summary>
internal static class DirectoryWalker
{
    /// <summary>Every non-hidden file under <paramref name="root"/>, as paths under <paramref name="root"/>, in ordinal order.</summary>
    public static List<string> Files(string root)
    {
        var visitedDirs = new HashSet<string>(StringComparer.Ordinal) { RealPath(root, isDirectory: true) };
        var files = new List<string>();
        var links = new List<string>();
        Walk(root, visitedDirs, files, links);

        links.Sort(StringComparer.Ordinal);
        for (int i = 0; i < links.Count; i++)
        {
            string target = RealPath(links[i], isDirectory: true);
            if (!Directory.Exists(target) || !visitedDirs.Add(target))
            {
                continue;
            }

            // Walks that reach further links queue them too; each real directory is still walked once.
            Walk(links[i], visitedDirs, files, links);
        }

        files.Sort(StringComparer.Ordinal);
        return Deduplicate(files);
    }

    /// <summary>Keeps one path per real file: a real file wins over a file link to it; among links, the first in ordinal order.</summary>
    private static List<string> Deduplicate(List<string> files)
    {
        var byTarget = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string f in files)
        {
            string real = RealPath(f, isDirectory: false);
            bool isLink = new FileInfo(f).LinkTarget is not null;
            if (!byTarget.TryGetValue(real, out string? kept) || (!isLink && new FileInfo(kept).LinkTarget is not null))
            {
                byTarget[real] = f;
            }
        }

        var keep = new HashSet<string>(byTarget.Values, StringComparer.Ordinal);
        return [.. files.Where(keep.Contains)];
    }

    /// <summary>Lists <paramref name="dir"/>'s tree without following links: directory links are queued in <paramref name="links"/>.</summary>
    private static void Walk(string dir, HashSet<string> visitedDirs, List<string> files, List<string> links)
    {
        var pending = new Stack<string>();
        pending.Push(dir);
        while (pending.Count > 0)
        {
            string current = pending.Pop();
            IEnumerable<FileSystemInfo> entries;
            try
            {
                entries = [.. new DirectoryInfo(current).EnumerateFileSystemInfos()];
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                continue;
            }

            foreach (FileSystemInfo entry in entries)
            {
                if (entry.Name.StartsWith('.') || (entry.Attributes & FileAttributes.System) != 0)
                {
                    continue;
                }

                if (entry is DirectoryInfo sub)
                {
                    if (sub.LinkTarget is not null)
                    {
                        links.Add(sub.FullName);
                    }
                    else if (visitedDirs.Add(RealPath(sub.FullName, isDirectory: true)))
                    {
                        pending.Push(sub.FullName);
                    }
                }
                else
                {
                    files.Add(entry.FullName);
                }
            }
        }
    }

    /// <summary>The path with every link resolved (falls back to the path itself when it cannot be resolved: a dangling link, a permission).</summary>
    private static string RealPath(string path, bool isDirectory)
    {
        try
        {
            FileSystemInfo info = isDirectory ? new DirectoryInfo(path) : new FileInfo(path);
            string resolved = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? info.FullName;
            // Parent folders may be links too (a link's target path, or a root given through a link):
            // resolve them one level up, recursively, so equal directories compare equal.
            string? parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(resolved));
            return parent is null ? Path.TrimEndingDirectorySeparator(resolved)
                : Path.Combine(RealPath(parent, isDirectory: true), Path.GetFileName(Path.TrimEndingDirectorySeparator(resolved)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Path.GetFullPath(path);
        }
    }
}
