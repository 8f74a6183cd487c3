namespace Cepstra.Classifier.Training;

/// <summary>
/// A model file that cannot be used: not a zip, missing entries, a description that fails its schema, out-of-range
/// or resource-exploding extraction parameters, a class or feature list that does not fit, or an unreadable inner
/// model. <see cref="Exception.Message"/> is one line that names the file and every problem found, ready for a user
/// (exit code 2 in the CLI: the model given is unusable, like an invalid option).
/// </summary>
public sealed class ModelValidationException : Exception
{
    /// <summary>Creates the error for <paramref name="modelPath"/> with the <paramref name="problems"/> found.</summary>
    public ModelValidationException(string modelPath, IReadOnlyList<string> problems)
        : base(Format(modelPath, problems))
    {
        ModelPath = modelPath;
        Problems = problems;
    }

    /// <summary>Creates the error with one problem.</summary>
    public ModelValidationException(string modelPath, string problem)
        : this(modelPath, [problem])
    {
    }

    /// <summary>The model file as the user named it.</summary>
    public string ModelPath { get; }

    /// <summary>Each problem, one sentence each.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Format(string path, IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return $"{path} is not a usable Cepstra genre model: {string.Join("; ", problems.Select(p => p.TrimEnd('.')))}.";
    }
}
