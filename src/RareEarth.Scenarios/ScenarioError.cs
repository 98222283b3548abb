using RareEarth.Scenarios.Yaml;

namespace RareEarth.Scenarios;

/// <summary>
/// One problem in a scenario: where it is, which key, what was found and what was expected. Line 0 means the file
/// as a whole. The texts may echo what the user wrote, so control characters in them are escaped (\u001B): a message
/// never carries a terminal escape sequence.
/// </summary>
public sealed record ScenarioError(string File, int Line, int Column, string Path, string Message)
{
    readonly string _file = TextSafety.Escape(File), _path = TextSafety.Escape(Path), _message = TextSafety.Escape(Message);
    public string File { get => _file; init => _file = TextSafety.Escape(value); }
    public string Path { get => _path; init => _path = TextSafety.Escape(value); }
    public string Message { get => _message; init => _message = TextSafety.Escape(value); }

    public override string ToString()
    {
        string where = Line > 0 ? $"{File}:{Line}:{Column}" : File;
        return string.IsNullOrEmpty(Path) ? $"{where}: {Message}" : $"{where}: {Path}: {Message}";
    }
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
