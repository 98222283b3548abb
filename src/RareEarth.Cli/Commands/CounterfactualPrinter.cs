using RareEarth.Engine;
using RareEarth.Runner.Output;

namespace RareEarth.Cli;

/// <summary>The console section on what the confrontation cost each side against its counterfactual.</summary>
internal static class CounterfactualPrinter
{
    public static void Print(TextWriter w, CounterfactualSummary? cf, Model m)
    {
        w.WriteLine();
        if (cf is null)
        {
            w.WriteLine("Against the world without the confrontation: not computed (--no-counterfactual, or the scenario removes nothing).");
            return;
        }
        w.WriteLine("What the confrontation cost, against the same world and seed without it (USD bn; + is a cost):");
        var rows = cf.Countries.Where(c => Math.Abs(c.NetCostUsd) > 1e6 || Math.Abs(c.ShortageTonnes) > 0.5 || Math.Abs(c.ExportRevenueUsd) > 1e6)
            .OrderByDescending(c => Math.Abs(c.NetCostUsd)).ToList();
        if (rows.Count == 0) w.WriteLine("  no country's costs moved by more than USD 1m");
        foreach (var c in rows)
            w.WriteLine($"  {c.Country,-3} net {Bn(c.NetCostUsd),7}   = shortage loss {Bn(c.EconomicLossUsd)} + paid for supplies {Signed(c.ProcurementUsd)} " +
                        $"- producers' margin {Signed(c.ProducerMarginUsd)};  shortage {c.ShortageTonnes:+#,0;-#,0;0} t, " +
                        $"export revenue {Signed(c.ExportRevenueUsd)}, fiscal {Signed(c.FiscalUsd)}");
        if (cf.Restrictor is { } r)
            w.WriteLine($"  Mutual harm - {r.Country}: export revenue {r.ExportRevenueUsd / 1e9:F1} bn vs {r.CounterfactualExportRevenueUsd / 1e9:F1} bn without the confrontation " +
                        (r.LostExportRevenueUsd >= 0 ? $"(a loss of {r.LostExportRevenueUsd / 1e9:F1} bn, {100 * r.LostShare:F0}%)" : $"(a gain of {-r.LostExportRevenueUsd / 1e9:F1} bn)"));
    }

    static string Bn(double usd) => (usd / 1e9).ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
    static string Signed(double usd) => (usd >= 0 ? "+" : "") + Bn(usd);
}
