using RareEarth.Scenarios;
using RareEarth.Scenarios.Yaml;

namespace RareEarth.Runner.Output;

/// <summary>Readable names for country codes: the scenario's own <c>countries.X.name</c>, else a small table of common codes.</summary>
public static class CountryNames
{
    static readonly Dictionary<string, string> Known = new()
    {
        ["CN"] = "China", ["JP"] = "Japan", ["US"] = "United States", ["EU"] = "European Union", ["KR"] = "South Korea",
        ["AU"] = "Australia", ["MY"] = "Malaysia", ["VN"] = "Vietnam", ["IN"] = "India", ["CA"] = "Canada", ["BR"] = "Brazil",
        ["GB"] = "United Kingdom", ["TW"] = "Taiwan", ["MM"] = "Myanmar", ["TH"] = "Thailand", ["RU"] = "Russia",
        ["ZZ"] = "rest of the world",
    };

    /// <summary>Code to name for every country of the scenario (a parenthetical remark in a name is left out).</summary>
    public static IReadOnlyDictionary<string, string> Of(CompiledScenario scenario)
    {
        var names = new Dictionary<string, string>();
        var declared = scenario.Document.Root.Get("countries");
        foreach (var code in scenario.Model.CountryIds)
        {
            var name = declared?.Get(code)?.Get("name") is { Kind: YKind.Scalar, IsNull: false } n ? Short(n.Value!) : null;
            names[code] = string.IsNullOrWhiteSpace(name) ? Fallback(code) : name;
        }
        return names;
    }

    /// <summary>The table's name for a code, or the code itself.</summary>
    public static string Fallback(string code) => Known.TryGetValue(code, out var n) ? n : code;

    static string Short(string name)
    {
        int paren = name.IndexOf('(');
        var s = (paren > 0 ? name[..paren] : name).Trim();
        // one line, printable: a name is the user's text
        return new string(s.Select(ch => char.IsControl(ch) ? ' ' : ch).ToArray());
    }
}
