using RareEarth.Scenarios;
using RareEarth.Scenarios.Yaml;

namespace RareEarth.Runner.Batch;

/// <summary>
/// The scenario of a batch: the file with the batch's --set overrides, resolved to one YAML text.
/// Every run of the batch (fresh or resumed) is compiled from that text, so a resumed batch runs exactly
/// what the interrupted one ran even if the file has changed since.
/// </summary>
public sealed class BatchScenario
{
    public required string File { get; init; }
    public required IReadOnlyList<string> Overrides { get; init; }
    /// <summary>Resolved YAML (what <see cref="ScenarioDocument.ToYaml"/> writes).</summary>
    public required string Text { get; init; }
    public required string Hash { get; init; }
    /// <summary>The document parsed back from <see cref="Text"/>: runs apply their own overrides to copies of it.</summary>
    public required ScenarioDocument Document { get; init; }
    /// <summary>The nominal scenario (no sampled values) compiled from <see cref="Text"/>.</summary>
    public required CompiledScenario Nominal { get; init; }

    /// <summary>
    /// Uncertain parameters that the batch's --set overrides fixed: they are not sampled (the resolved
    /// text no longer declares them), so every run uses the value set. Empty for a resumed batch.
    /// </summary>
    public IReadOnlyList<string> Fixed { get; init; } = Array.Empty<string>();

    /// <summary>Loads and validates a scenario file with overrides; throws <see cref="ScenarioException"/> listing every problem.</summary>
    public static BatchScenario Load(string path, IReadOnlyList<string> overrides)
    {
        var compiled = ScenarioCompiler.LoadAndCompile(path, overrides);
        var text = compiled.Document.ToYaml();
        var s = FromText(text, path, overrides);
        if (s.Hash != compiled.Document.Hash())
            throw new InvalidOperationException($"the resolved scenario of {path} does not read back to itself (hash {compiled.Document.Hash()} vs {s.Hash}); cannot run a batch from it");
        return new BatchScenario
        {
            File = s.File, Overrides = s.Overrides, Text = s.Text, Hash = s.Hash, Document = s.Document, Nominal = s.Nominal,
            Fixed = compiled.Fixed,
        };
    }

    /// <summary>Rebuilds the batch scenario from stored text (resume, report).</summary>
    public static BatchScenario FromText(string text, string file, IReadOnlyList<string> overrides)
    {
        var errors = new List<ScenarioError>();
        var root = YNode.Parse(text, $"{file} (resolved)", errors);
        if (root is null || errors.Count > 0) throw new ScenarioException(errors);
        var doc = new ScenarioDocument { Root = root, Files = new[] { file }, Overrides = overrides };
        var nominal = ScenarioCompiler.Compile(doc);
        return new BatchScenario { File = file, Overrides = overrides, Text = text, Hash = doc.Hash(), Document = doc, Nominal = nominal };
    }

    /// <summary>Compiles one run's scenario: a copy of the document with the run's overrides. Throws on invalid values.</summary>
    public CompiledScenario Compile(IReadOnlyList<KeyValuePair<string, string>> overrides)
    {
        if (overrides.Count == 0) return Nominal;
        var errors = new List<ScenarioError>();
        var doc = Document.With(overrides, errors);
        if (errors.Count > 0) throw new ScenarioException(errors);
        return ScenarioCompiler.Compile(doc);
    }
}
