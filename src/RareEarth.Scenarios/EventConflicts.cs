using RareEarth.Engine;
using RareEarth.Scenarios.Yaml;

namespace RareEarth.Scenarios;

/// <summary>
/// The conflicting-events rule: two events may not set the same thing in the same month (the engine would
/// apply both and the later one would win silently). "The same thing" is one regime setting: the export
/// regime of a country for a material and destination, its export duty for a material, its export quota,
/// its embedded-content rule, its stockpile target for a material, its capex subsidy or production quota
/// for a process. Events that add (capacity projects, R&amp;D funding, announcements) never conflict.
/// </summary>
internal static class EventConflicts
{
    /// <summary>Adds one error per conflicting pair, at the later event, naming both events and their lines.</summary>
    public static void Report(List<ScenarioEvent> events, List<int> origin, List<YNode> items, List<ScenarioError> errors,
        Calendar cal, List<string> mIds, List<string> cIds, List<string> pIds)
    {
        var owner = new Dictionary<(int Month, string What, int A, int B, int C), int>();
        var reported = new HashSet<(int, int)>();
        for (int k = 0; k < events.Count; k++)
        {
            var e = events[k];
            if (e.Month < 0 || e.Country < 0) continue;
            foreach (var (what, a, b, c) in Settings(e, mIds.Count, pIds.Count))
            {
                var key = (e.Month, what, a, b, c);
                int mine = origin[k];
                if (!owner.TryGetValue(key, out int first)) { owner[key] = mine; continue; }
                if (first == mine || !reported.Add((first, mine))) continue;
                var at = items[mine];
                string thing = Describe(what, a, b, c, cIds, mIds, pIds);
                errors.Add(new ScenarioError(at.File, at.Line, at.Column, $"events.{mine}",
                    $"events.{first} ({Where(items[first], at)}) and events.{mine} ({Where(at, at)}) both set {thing} in {cal.Label(e.Month)}; " +
                    "expected at most one event per setting and month (merge them, or date one a month later)"));
            }
        }
    }

    static string Where(YNode n, YNode reference) => n.File == reference.File ? $"line {n.Line}" : $"{n.File}:{n.Line}";

    /// <summary>The settings an event overwrites, as (what, country, x, y).</summary>
    static IEnumerable<(string What, int A, int B, int C)> Settings(ScenarioEvent e, int M, int P)
    {
        switch (e.Kind)
        {
            case EventKind.ExportRegime:
                for (int mat = 0; mat < M; mat++) if (Covers(e, mat)) yield return ("regime", e.Country, mat, e.Destination);
                break;
            case EventKind.ExportDuty:
                for (int mat = 0; mat < M; mat++) if (Covers(e, mat)) yield return ("duty", e.Country, mat, -1);
                break;
            case EventKind.ExportQuota: yield return ("quota", e.Country, -1, -1); break;
            case EventKind.EmbeddedRule: yield return ("embedded", e.Country, -1, -1); break;
            case EventKind.StockpileTarget:
                for (int mat = 0; mat < M; mat++) if (Covers(e, mat)) yield return ("stockpile", e.Country, mat, -1);
                break;
            case EventKind.CapexSubsidy:
                for (int p = 0; p < P; p++) if (e.Process < 0 || p == e.Process) yield return ("subsidy", e.Country, p, -1);
                break;
            case EventKind.ProductionQuota:
                for (int p = 0; p < P; p++) if (e.Process < 0 || p == e.Process) yield return ("production", e.Country, p, -1);
                break;
        }
    }

    static bool Covers(in ScenarioEvent e, int mat) =>
        e.Materials is not null ? e.Materials[mat] : (e.Material < 0 || e.Material == mat);

    static string Describe(string what, int c, int x, int d, List<string> cIds, List<string> mIds, List<string> pIds) => what switch
    {
        "regime" => $"the export regime of {cIds[c]} for {mIds[x]} to {cIds[d]}",
        "duty" => $"the export duty of {cIds[c]} on {mIds[x]}",
        "quota" => $"the export quota of {cIds[c]}",
        "embedded" => $"the embedded-content rule of {cIds[c]}",
        "stockpile" => $"the stockpile target of {cIds[c]} for {mIds[x]}",
        "subsidy" => $"the capex subsidy of {cIds[c]} for {pIds[x]}",
        _ => $"the production quota of {cIds[c]} for {pIds[x]}",
    };
}
