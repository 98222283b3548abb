namespace RareEarth.Scenarios;

/// <summary>One problem in a scenario: where it is, which key, what was found and what was expected.</summary>
public sealed record ScenarioError(string File, int Line, int Column, string Path, string Message)
{
    public override string ToString() =>
        string.IsNullOrEmpty(Path) ? $"{File}:{Line}:{Column}: {Message}" : $"{File}:{Line}:{Column}: {Path}: {Message}";
}

/// <summary>Thrown when a scenario has one or more problems; carries all of them.</summary>
public sealed class ScenarioException : Exception
{
    public IReadOnlyList<ScenarioError> Errors { get; }

    public ScenarioException(IReadOnlyList<ScenarioError> errors)
        : this(errors.OrderBy(e => e.File, StringComparer.Ordinal).ThenBy(e => e.Line).ThenBy(e => e.Column).ToList()) { }

    ScenarioException(List<ScenarioError> sorted)
        : base($"{sorted.Count} problem(s) in the scenario:{Environment.NewLine}" + string.Join(Environment.NewLine, sorted.Select(e => "  " + e)))
        => Errors = sorted;
}
