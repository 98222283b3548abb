using RareEarth.Engine;
using RareEarth.Runner.Output;

namespace RareEarth.Cli;

/// <summary>The short, readable summary printed after a run.</summary>
internal static class SummaryPrinter
{
    public static void Print(TextWriter w, RunSummary s, Model m)
    {
        w.WriteLine($"{s.Scenario}  ({s.Start} to {s.End}, seed {s.Seed}, shock {s.Shock ?? "none"}, baseline {s.BaselineWindow})");
        w.WriteLine();
        w.WriteLine("Price spikes (peak after the shock vs the pre-shock baseline):");
        foreach (var p in s.Prices.Where(p => p.PeakMultiple >= 1.2).OrderByDescending(p => p.PeakMultiple).Take(8))
            w.WriteLine($"  {p.Material,-14} {p.Region,-4} {p.Baseline,9:F1} -> {p.Peak,9:F1} USD/kg  x{p.PeakMultiple:F1} in {p.PeakMonth}, {p.MonthsAbove2x} months above 2x");
        if (!s.Prices.Any(p => p.PeakMultiple >= 1.2)) w.WriteLine("  none above 1.2x");
        w.WriteLine();
        w.WriteLine("Shortages (unmet demand over the whole horizon):");
        var sh = s.Shortages.Where(x => x.Share > 0.001).OrderByDescending(x => x.Share).Take(8).ToList();
        foreach (var x in sh)
            w.WriteLine($"  {x.Country,-3} {x.Material,-14} {x.Tonnes,10:F0} t  {100 * x.Share,5:F1}% of demand, {x.MonthsInShortage} months in shortage, worst {x.WorstMonth} ({100 * x.WorstShare:F0}%)");
        if (sh.Count == 0) w.WriteLine("  none");
        w.WriteLine();
        w.WriteLine("Decoupling from China (direct share of supply; months from the shock to below 50% / 20%, held 12 months):");
        foreach (var d in s.Decoupling.Where(d => d.Basis == "direct" && d.ShareAtShock >= 0.5).OrderBy(d => d.Country).ThenBy(d => d.Material).Take(12))
            w.WriteLine($"  {d.Country,-3} {d.Material,-14} {100 * d.ShareAtShock,4:F0}% -> {100 * d.FinalShare,4:F0}%   50%: {Months(d.MonthsTo50)}   20%: {Months(d.MonthsTo20)}");
        w.WriteLine();
        w.WriteLine("Cost from the shock on (shortage loss + extra procurement + fiscal), USD bn:");
        foreach (var c in s.Costs.Where(c => c.TotalUsd > 1e6).OrderByDescending(c => c.TotalUsd).Take(8))
            w.WriteLine($"  {c.Country,-3} {c.TotalUsd / 1e9,8:F2}   (shortage {c.ShortageLossUsd / 1e9:F2}, procurement {c.ExtraProcurementUsd / 1e9:F2}, fiscal {c.FiscalUsd / 1e9:F2})");
        if (s.Restrictor is { } r)
        {
            w.WriteLine();
            w.WriteLine($"Mutual harm - {r.Country}: export revenue {r.ExportRevenueAfterShockUsd / 1e9:F1} bn vs {r.ExportRevenueAtBaselineUsd / 1e9:F1} bn at the pre-shock rate " +
                        $"(lost {r.LostExportRevenueUsd / 1e9:F1} bn); idle capacity {100 * r.IdleCapacityShare:F0}%; " +
                        "share of world output " + string.Join(", ", r.MarketShares.Where(x => x.ShareBeforeShock > 0.5).Select(x => $"{x.Material} {100 * x.ShareBeforeShock:F0}%->{100 * x.ShareAtEnd:F0}%")));
        }
    }

    static string Months(int? m) => m is null ? "not within horizon" : $"{m} months";
}
