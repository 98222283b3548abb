namespace RareEarth.Web;

/// <summary>
/// What one browser may ask of the workbench (docs/workbench.md states the same numbers; tests check each one). A
/// request over a limit is refused with a sentence that says which limit, never served half.
/// </summary>
public sealed record WorkbenchLimits
{
    /// <summary>Largest request body, bytes (lever values are a few hundred bytes).</summary>
    public int MaxBodyBytes { get; init; } = 32 * 1024;
    /// <summary>Most lever values in one request.</summary>
    public int MaxLevers { get; init; } = 200;
    /// <summary>Longest lever value, characters.</summary>
    public int MaxValueLength { get; init; } = 40;
    /// <summary>Engine runs one request may start: A and B, each with its counterfactual.</summary>
    public int MaxRunsPerRequest { get; init; } = 4;
    /// <summary>Most runs of one "with uncertainty" job (each run pairs A and B, each with its counterfactual).</summary>
    public int MaxBatchRuns { get; init; } = 400;
    /// <summary>Runs of a "with uncertainty" job when the page does not say.</summary>
    public int DefaultBatchRuns { get; init; } = 200;
    /// <summary>"With uncertainty" jobs running at once, over all browsers.</summary>
    public int MaxConcurrentJobs { get; init; } = 2;
    /// <summary>Finished jobs kept for the page to read; the oldest is dropped beyond this.</summary>
    public int MaxKeptJobs { get; init; } = 16;
    /// <summary>Longest scenario horizon the workbench runs, months.</summary>
    public int MaxHorizonMonths { get; init; } = 240;
    /// <summary>Highest seed accepted.</summary>
    public int MaxSeed { get; init; } = 1_000_000;
}
