using RareEarth.Runner.Output;

namespace RareEarth.Reporting;

/// <summary>What an outcome counts: months, a price multiple, money (USD) or months until decoupling.</summary>
public enum OutcomeKind { ShortageMonths, PeakMultiple, NetCost, MonthsTo50 }

/// <summary>
/// One headline outcome of a run, read from its summary (the numbers of summary.json): <paramref name="Key"/> names it
/// across runs, <paramref name="Value"/> is NaN when it did not happen (a share never below 50%).
/// </summary>
public sealed record Outcome(string Key, OutcomeKind Kind, string Country, string Material, double Value);

/// <summary>
/// The headline outcomes of a run and the sentences that say them ("Japan's Dy oxide shortage lasts 5 months"), alone
/// or as B against A with an interval ("lasts 5 [4-6] months longer"): the workbench, report.html and the CLI reports.
/// </summary>
public static class HtmlOutcomes
{
    static readonly Dictionary<string, string> MaterialNames = new()
    {
        ["conc_light"] = "light-REE concentrate", ["conc_ionic"] = "ionic-clay concentrate", ["ndpr_oxide"] = "NdPr oxide",
        ["dy_oxide"] = "Dy oxide", ["tb_oxide"] = "Tb oxide", ["lace_oxide"] = "La/Ce oxide", ["ndfeb_magnet"] = "NdFeB magnet",
    };

    /// <summary>A readable name for a material id (the id itself when unknown).</summary>
    public static string Material(string id) => MaterialNames.TryGetValue(id, out var n) ? n : id.Replace('_', ' ');

    /// <summary>
    /// The outcomes of a run for the given materials and countries: each country's months in shortage and months until
    /// its purchases from China fall below 50%, the outside-China price peak, and every listed country's net cost
    /// against the counterfactual (when the run has one).
    /// </summary>
    public static List<Outcome> From(RunSummary s, string outsideRegion, IReadOnlyList<string> materials, IReadOnlyList<string> countries, IReadOnlyList<string> costCountries)
    {
        var list = new List<Outcome>();
        foreach (var mat in materials)
        {
            var peak = s.Prices.FirstOrDefault(p => p.Material == mat && p.Region == outsideRegion);
            if (peak is not null) list.Add(new Outcome($"peak:{mat}", OutcomeKind.PeakMultiple, "", mat, peak.PeakMultiple));
            foreach (var c in countries)
            {
                var sh = s.Shortages.FirstOrDefault(x => x.Country == c && x.Material == mat);
                if (sh is not null) list.Add(new Outcome($"short:{c}:{mat}", OutcomeKind.ShortageMonths, c, mat, sh.MonthsInShortage));
                var dec = s.Decoupling.FirstOrDefault(d => d.Country == c && d.Material == mat && d.Basis == "direct");
                if (dec is not null && dec.ShareAtShock >= 0.5)
                    list.Add(new Outcome($"dec50:{c}:{mat}", OutcomeKind.MonthsTo50, c, mat, dec.MonthsTo50 is int mo ? mo : double.NaN));
            }
        }
        if (s.Counterfactual is { } cf)
            foreach (var c in costCountries)
                if (cf.Countries.FirstOrDefault(x => x.Country == c) is { } d)
                    list.Add(new Outcome($"cost:{c}", OutcomeKind.NetCost, c, "", d.NetCostUsd));
        return list;
    }

    /// <summary>The sentence of one outcome of one run.</summary>
    public static string Sentence(Outcome o, IReadOnlyDictionary<string, string> names)
    {
        string who = Name(o.Country, names), mat = Material(o.Material);
        return o.Kind switch
        {
            OutcomeKind.ShortageMonths => o.Value > 0
                ? $"{Pos(who)} {mat} shortage lasts {Months(o.Value)}."
                : $"{who} has no {mat} shortage.",
            OutcomeKind.PeakMultiple => $"The {mat} price outside China peaks at {ChartFormat.Number(o.Value)}× its level before the shock.",
            OutcomeKind.NetCost => o.Value >= 0
                ? $"The confrontation costs {who} {ChartFormat.Format(o.Value, "USD")} (net, against the world without it)."
                : $"{who} gains {ChartFormat.Format(-o.Value, "USD")} from the confrontation (net, against the world without it).",
            OutcomeKind.MonthsTo50 => double.IsFinite(o.Value)
                ? $"{Pos(who)} purchases of {mat} fall below 50% from China {Months(o.Value)} after the shock."
                : $"{Pos(who)} purchases of {mat} do not fall below 50% from China for good within the horizon.",
            _ => o.Key,
        };
    }

    /// <summary>
    /// The sentence of B against A over paired runs (common random numbers): the median of B − A with its 5-95% range
    /// in brackets when there is more than one pair ("Japan's Dy oxide shortage lasts 5 [4-6] months longer").
    /// Pairs where the outcome did not happen in A or B are left out (and counted in the sentence).
    /// </summary>
    public static string CompareSentence(Outcome like, IReadOnlyList<double> a, IReadOnlyList<double> b, IReadOnlyDictionary<string, string> names)
    {
        string who = Name(like.Country, names), mat = Material(like.Material);
        var d = a.Zip(b, (x, y) => y - x).Where(double.IsFinite).ToArray();
        int missing = a.Count - d.Length;
        if (d.Length == 0)
            return like.Kind == OutcomeKind.MonthsTo50
                ? $"{Pos(who)} purchases of {mat} do not fall below 50% from China for good in A or B."
                : $"{who}: {Describe(like.Kind, mat)} cannot be compared (not defined in A or B).";
        if (d.All(x => Math.Abs(x) < 1e-9))
            return $"{Capital(Describe(like.Kind, mat, who))} is the same in B as in A.";
        var (mid, lo, hi) = Spread(d);
        // the range in the sentence's direction: "5 [4 to 6] months shorter" means B - A between -6 and -4
        if (mid < 0) (lo, hi) = (-hi, -lo);
        string Range(Func<double, string> f) => d.Length > 1 ? $" [{f(lo)} to {f(hi)}]" : "";
        string note = missing > 0 ? $" ({missing} of {a.Count} pairs left out: not defined in A or B)" : "";
        string text = like.Kind switch
        {
            OutcomeKind.ShortageMonths => Math.Abs(mid) < 0.5
                ? $"{Pos(who)} {mat} shortage lasts about as long in B as in A" + (d.Length > 1 && (Math.Abs(lo) >= 0.5 || Math.Abs(hi) >= 0.5) ? $" [B − A: {Plain(lo)} to {Plain(hi)} months]" : "")
                : $"{Pos(who)} {mat} shortage lasts {Plain(Math.Abs(mid))}{Range(Plain)} months {(mid >= 0 ? "longer" : "shorter")} in B",
            OutcomeKind.PeakMultiple => $"The {mat} price outside China peaks {(mid >= 0 ? "higher" : "lower")} in B, by {ChartFormat.Number(Math.Abs(mid))}{Range(ChartFormat.Number)} times its level before the shock",
            OutcomeKind.NetCost => $"{Pos(who)} net cost is {ChartFormat.Format(Math.Abs(mid), "USD")}{Range(v => ChartFormat.Format(v, "USD"))} {(mid >= 0 ? "higher" : "lower")} in B",
            OutcomeKind.MonthsTo50 => $"{Pos(who)} purchases of {mat} fall below 50% from China {Plain(Math.Abs(mid))}{Range(Plain)} months {(mid <= 0 ? "sooner" : "later")} in B",
            _ => like.Key,
        };
        return text + note + ".";
    }

    static string Describe(OutcomeKind k, string mat, string who = "") => k switch
    {
        OutcomeKind.ShortageMonths => who.Length > 0 ? $"{Pos(who)} {mat} shortage" : $"the {mat} shortage",
        OutcomeKind.PeakMultiple => $"the {mat} price peak outside China",
        OutcomeKind.NetCost => who.Length > 0 ? $"{Pos(who)} net cost" : "the net cost",
        _ => who.Length > 0 ? $"{Pos(who)} decoupling from China in {mat}" : $"decoupling from China in {mat}",
    };

    static string Capital(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    /// <summary>Median and 5th and 95th percentiles.</summary>
    public static (double Mid, double Low, double High) Spread(IReadOnlyList<double> values)
    {
        var sorted = values.Where(double.IsFinite).OrderBy(v => v).ToArray();
        if (sorted.Length == 0) return (double.NaN, double.NaN, double.NaN);
        return (Analysis.Percentiles.Quantile(sorted, 0.5), Analysis.Percentiles.Quantile(sorted, 0.05), Analysis.Percentiles.Quantile(sorted, 0.95));
    }

    /// <summary>"Japan" for JP (the scenario's name or the known table), the code itself when unknown, "" for none.</summary>
    public static string Name(string code, IReadOnlyDictionary<string, string> names) =>
        code.Length == 0 ? "" : names.TryGetValue(code, out var n) ? n : CountryNames.Fallback(code);

    /// <summary>"Japan's", "United States'".</summary>
    public static string Pos(string name) => name.EndsWith('s') ? name + "'" : name + "'s";

    static string Months(double v) => Math.Abs(v - 1) < 1e-9 ? "1 month" : $"{Plain(v)} months";
    static string Plain(double v) => ChartFormat.Number(Math.Round(v, Math.Abs(v) >= 10 ? 0 : 1));
}
