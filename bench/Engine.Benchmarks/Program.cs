using BenchmarkDotNet.Running;

namespace Cepstra.Benchmarks;

/// <summary>Runs the suites chosen on the command line (<c>--filter '*Mfcc*'</c>, <c>--list flat</c>, <c>--job Dry</c>).</summary>
public static class Program
{
    /// <summary>Entry point; returns 1 when any benchmark failed so scripts and CI notice.</summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "compare-backends")
        {
            return Gpu.BackendComparisonReport.Run(args[1..]);
        }

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
