using System.Text;
using RareEarth.Scenarios;
using RareEarth.Scenarios.Yaml;

namespace RareEarth.Fuzzing;

/// <summary>A defect found by fuzzing: the target did something other than accept the input or report errors.</summary>
public sealed class FuzzFailure(string message) : Exception(message);

/// <summary>
/// The fuzzing target, shared by the SharpFuzz harness (tests/RareEarth.Fuzz links this file) and the CI test
/// (FuzzCorpusTests). Input: scenario text, optionally followed by a line <c>#--set</c> and one <c>--set</c> override
/// per line (a YAML comment, so every input is also a plain scenario file). The text goes through the loader,
/// the <c>--set</c> parser and the validator/compiler. Invalid input must come back as scenario errors (file, line,
/// column, no control characters); a valid scenario must read back to itself from its resolved YAML, as a batch
/// does. Anything thrown from here is a defect.
/// </summary>
public static class FuzzTarget
{
    static readonly byte[] SetMarker = "\n#--set\n"u8.ToArray();

    /// <summary>Where the input is taken to live: the shipped scenarios folder, so <c>extends: world/world-2024.yaml</c> resolves.</summary>
    public static string VirtualPath { get; } =
        Path.Combine(ScenarioLoader.ShippedFolder ?? Directory.GetCurrentDirectory(), "fuzz-input.yaml");

    /// <summary>Runs one input; returns the number of scenario errors (0: it compiled).</summary>
    public static int Run(ReadOnlySpan<byte> data)
    {
        int cut = data.IndexOf(SetMarker);
        byte[] scenario = (cut < 0 ? data : data[..(cut + 1)]).ToArray();
        string[] overrides = cut < 0 ? [] // as a shell passes them: decoded, invalid bytes replaced
            : Encoding.UTF8.GetString(data[(cut + SetMarker.Length)..]).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var errors = new List<ScenarioError>();
        var doc = ScenarioLoader.LoadBytes(VirtualPath, scenario, overrides, errors);
        var compiled = doc is null ? null : ScenarioCompiler.TryCompile(doc, errors);
        if (doc is null || compiled is null || errors.Count > 0)
        {
            if (errors.Count == 0) throw new FuzzFailure("rejected without saying why");
            foreach (var e in errors) CheckError(e);
            return errors.Count;
        }

        var text = doc.ToYaml();
        var readBack = new List<ScenarioError>();
        var root = YNode.Parse(text, "resolved", readBack);
        if (root is null || readBack.Count > 0)
            throw new FuzzFailure("the resolved scenario does not parse: " + string.Join("; ", readBack));
        var again = new ScenarioDocument { Root = root, Files = doc.Files, Overrides = doc.Overrides };
        if (again.Hash() != doc.Hash()) throw new FuzzFailure("the resolved scenario does not read back to itself");
        var recompiled = new List<ScenarioError>();
        if (ScenarioCompiler.TryCompile(again, recompiled) is null || recompiled.Count > 0)
            throw new FuzzFailure("the resolved scenario is invalid: " + string.Join("; ", recompiled));
        return 0;
    }

    static void CheckError(ScenarioError e)
    {
        if (string.IsNullOrEmpty(e.File) || e.Line < 0 || e.Column < 0 || (e.Line > 0 && e.Column == 0))
            throw new FuzzFailure($"error without a place: {e}");
        if (e.ToString().Any(char.IsControl)) throw new FuzzFailure($"error message with a control character: {e}");
    }
}
