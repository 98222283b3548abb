using System.Globalization;
using RareEarth.Engine;
using RareEarth.Reporting;
using RareEarth.Runner.Output;
using RareEarth.Runner.Recording;

namespace RareEarth.Web;

/// <summary>
/// Student mode: for each chart, in plain words, which mechanism moved it, read from the run's own recorded series
/// (China's exports, stocks, perceived risk, stockpile releases, output outside China, users' demand) against the same
/// world without the confrontation. Nothing here decides an outcome; it only points at what the agents did.
/// </summary>
public static class Explain
{
    public static Dictionary<string, string> For(SeriesRecorder r, SeriesRecorder? cf, RunSummary s, string material, IReadOnlyDictionary<string, string> names)
    {
        var m = r.Model;
        int T = m.Months, mat = Math.Max(0, Array.IndexOf(m.MaterialIds, material));
        string matName = HtmlOutcomes.Material(m.MaterialIds[mat]);
        var w = BaselineWindow.Of(m);
        int shock = w.Shock;
        int cn = Array.IndexOf(m.CountryRegion, 0);
        string N(string code) => HtmlOutcomes.Name(code, names);
        var text = new Dictionary<string, string>();

        // ---- facts read from the series ----
        double exportsBefore = 0, exportsLow = double.PositiveInfinity; int lowMonth = shock;
        if (cn >= 0)
        {
            for (int t = w.From; t < w.To; t++) exportsBefore += r.Exports(t, cn, mat) / Math.Max(1, w.To - w.From);
            for (int t = shock; t < Math.Min(T, shock + 24); t++)
            {
                double e = r.Exports(t, cn, mat);
                if (e < exportsLow) { exportsLow = e; lowMonth = t; }
            }
        }
        double exportShare = exportsBefore > 0 && double.IsFinite(exportsLow) ? exportsLow / exportsBefore : 1;
        var licence = m.Events.Where(e => e.Kind == EventKind.ExportRegime && e.Country == cn && Covers(e, mat) && e.Regime != RegimeKind.Open && !e.InCounterfactual).ToList();

        var importers = Enumerable.Range(0, m.C).Where(c => m.CountryRegion[c] != 0).ToList();
        int riskiest = -1; double risk = 0; int riskMonth = shock;
        foreach (int c in importers)
            for (int t = shock; t < T; t++)
                if (r.Risk[t * m.C + c] > risk) { risk = r.Risk[t * m.C + c]; riskiest = c; riskMonth = t; }

        var released = importers.Select(c => (c, t: Enumerable.Range(0, T).Sum(t => r.At(r.StockpileRelease, t, c, mat)))).Where(x => x.t > 0.5).ToList();

        double outsideNow = 0, outsideCf = 0, demandNow = 0, demandCf = 0;
        if (cf is not null)
            for (int t = Math.Max(0, T - 12); t < T; t++)
                foreach (int c in importers)
                {
                    outsideNow += r.At(r.Production, t, c, mat) + r.At(r.Recycled, t, c, mat);
                    outsideCf += cf.At(cf.Production, t, c, mat) + cf.At(cf.Recycled, t, c, mat);
                    demandNow += r.At(r.Demand, t, c, mat);
                    demandCf += cf.At(cf.Demand, t, c, mat);
                }
        string? capacity = outsideCf > 0 && outsideNow > outsideCf * 1.05
            ? $"new capacity: in the last year, output of {matName} outside China is {Pct(outsideNow / outsideCf - 1)} above the world without the confrontation, as firms outside China invested when prices rose"
            : outsideCf == 0 && outsideNow > 1 ? $"new capacity: outside China, firms now produce {ChartFormat.Format(outsideNow, "t")} of {matName} a year, none without the confrontation" : null;
        string? substitution = demandCf > 0 && demandNow < demandCf * 0.97
            ? $"substitution: in the last year, users outside China need {Pct(1 - demandNow / demandCf)} less {matName} than without the confrontation (thrifting, substitutes and dearer prices)"
            : null;
        string? hoarding = riskiest >= 0 && risk > 0.15
            ? $"hoarding: buyers in {N(m.CountryIds[riskiest])} saw their perceived risk reach {risk.ToString("0.00", CultureInfo.InvariantCulture)} (of 1) in {m.MonthLabel(riskMonth)} and bought ahead to build stocks, which pushes the price up further"
            : null;
        string? queue = licence.Count == 0 || exportShare > 0.95 ? null
            : $"the licence queue: China's exports of {matName} fell to {Pct(exportShare)} of their level before the shock by {m.MonthLabel(lowMonth)} ("
              + string.Join("; ", licence.Take(3).Select(e => $"{m.MonthLabel(e.Month)}: {Regime(e)}")) + ")";

        // ---- price ----
        var peak = s.Prices.FirstOrDefault(p => p.Material == m.MaterialIds[mat] && p.Region == m.RegionIds[1]);
        var inChina = s.Prices.FirstOrDefault(p => p.Material == m.MaterialIds[mat] && p.Region == m.RegionIds[0]);
        var priceWhy = new List<string>();
        if (peak is not null)
            priceWhy.Add($"Outside China the price peaks at {ChartFormat.Number(peak.PeakMultiple)}× its level before the shock, in {peak.PeakMonth}.");
        var causes = new[] { queue, hoarding, StocksLow(r, m, mat, importers, shock, N) }.Where(x => x is not null).ToList();
        priceWhy.Add(causes.Count > 0 ? "Why: " + string.Join("; ", causes) + "." : "Why: little changed in what reached buyers outside China, so the price moved little.");
        if (inChina is not null && peak is not null && inChina.PeakMultiple < peak.PeakMultiple * 0.8)
            priceWhy.Add($"In China the price stays lower (peak {ChartFormat.Number(inChina.PeakMultiple)}×): what cannot be exported is sold at home.");
        var later = new[] { capacity, substitution }.Where(x => x is not null).ToList();
        if (later.Count > 0) priceWhy.Add("Later: " + string.Join("; ", later) + ".");
        text["price"] = string.Join(" ", priceWhy);

        // ---- shortage ----
        var short_ = s.Shortages.Where(x => x.Material == m.MaterialIds[mat] && x.MonthsInShortage > 0).OrderByDescending(x => x.Share).ToList();
        text["shortage"] = short_.Count == 0
            ? $"No country ran short of {matName}: stocks held at the shock" + (released.Count > 0 ? " and stockpile releases" : "") + " bridged every gap in supply."
            : "Who ran short: " + string.Join("; ", short_.Take(4).Select(x => $"{N(x.Country)} for {x.MonthsInShortage} months (worst {x.WorstMonth}, {Pct(x.WorstShare)} unmet)")) +
              ". A shortage starts when buyers' stocks run out: " + (StocksLow(r, m, mat, short_.Select(x => m.IndexOfCountry(x.Country)).Where(c => c >= 0).ToList(), shock, N) ?? "stocks were thin") +
              (released.Count > 0 ? "; strategic stockpiles released " + string.Join(", ", released.Select(x => $"{ChartFormat.Format(x.t, "t")} in {N(m.CountryIds[x.c])}")) : "") + ".";

        // ---- China's share ----
        var dec = s.Decoupling.Where(d => d.Material == m.MaterialIds[mat] && d.Basis == "direct" && d.ShareAtShock >= 0.2).ToList();
        text["china_share"] = dec.Count == 0
            ? $"Importers bought little {matName} from China before the shock."
            : string.Join(" ", dec.Take(4).Select(d => $"{N(d.Country)}: {Pct(d.ShareAtShock)} from China before the shock, {Pct(d.FinalShare)} at the end" +
                  (d.MonthsTo50 is int mo ? $" (below 50% for good after {mo} months)." : "."))) +
              " " + (capacity is not null ? "Why it fell: " + capacity + "." : "Without new suppliers outside China, importers keep buying from China once it lets goods through.");

        // ---- coverage ----
        text["coverage"] = "Stocks are what buyers live on when supply stops. " + (hoarding is not null ? char.ToUpper(hoarding[0]) + hoarding[1..] + ". " : "") +
                           (StocksLow(r, m, mat, importers, shock, N) is { } low ? "Then " + low + ". " : "No importer's stocks fell below one month of demand. ") +
                           (released.Count > 0 ? "Strategic stockpiles released " + string.Join(", ", released.Select(x => $"{ChartFormat.Format(x.t, "t")} in {N(m.CountryIds[x.c])}")) + "." : "");

        // ---- costs ----
        if (s.Counterfactual is { } costs)
        {
            var r0 = costs.Restrictor;
            text["costs"] = "Importers pay more for what they still get and lose output where they run short; producers outside China earn more. " +
                            (r0 is null ? "" : $"{N(r0.Country)}, the restricting country, earns {ChartFormat.Format(r0.CounterfactualExportRevenueUsd, "USD")} from exports without the confrontation " +
                                               $"and {ChartFormat.Format(r0.ExportRevenueUsd, "USD")} with it; its net cost is {ChartFormat.Format(r0.NetCostUsd, "USD")} (+ is a cost).");
        }
        text["diff_price"] = "B − A, run by run with the same seeds: above zero, the price is higher in B. The band shows how far the difference spreads over the runs (5-95%).";
        text["diff_shortage"] = "B − A, run by run with the same seeds: above zero, the targeted country is shorter of supply in B.";
        return text;
    }

    static string? StocksLow(SeriesRecorder r, Model m, int mat, IReadOnlyList<int> countries, int shock, Func<string, string> name)
    {
        string? worst = null; double lowest = double.PositiveInfinity;
        foreach (int c in countries)
        {
            double d0 = r.At(r.Demand, Math.Max(0, shock - 1), c, mat);
            if (d0 <= 0) continue;
            double at = (r.At(r.Inventory, Math.Max(0, shock - 1), c, mat) + r.At(r.Stockpile, Math.Max(0, shock - 1), c, mat)) / d0;
            for (int t = shock; t < m.Months; t++)
            {
                double d = r.At(r.Demand, t, c, mat);
                if (d <= 0) continue;
                double cover = (r.At(r.Inventory, t, c, mat) + r.At(r.Stockpile, t, c, mat)) / d;
                if (cover < lowest) { lowest = cover; worst = $"stocks running out: {name(m.CountryIds[c])}'s stocks fell from {at.ToString("0.0", CultureInfo.InvariantCulture)} months of demand at the shock to {cover.ToString("0.0", CultureInfo.InvariantCulture)} in {m.MonthLabel(t)}"; }
            }
        }
        return lowest < 1 ? worst : null;
    }

    static bool Covers(ScenarioEvent e, int mat) => e.Materials is { } mask ? mask[mat] : e.Material == mat || e.Material < 0;

    static string Regime(ScenarioEvent e) => e.Regime switch
    {
        RegimeKind.Licence => $"licences, {Pct(e.Value)} approved" + (e.Delay > 0 ? $" after {e.Delay} month{(e.Delay == 1 ? "" : "s")} in the queue" : ""),
        RegimeKind.Ban => "a ban",
        RegimeKind.Quota => "a quota",
        _ => "open",
    };

    static string Pct(double share) => (100 * share).ToString(share < 0.1 && share > 0 ? "0.#" : "0", CultureInfo.InvariantCulture) + "%";
}
