using RareEarth.Engine;
using RareEarth.Runner.Recording;

namespace RareEarth.Runner.Output;

public sealed record ShortageSummary(string Country, string Material, double Tonnes, double Share, int MonthsInShortage, string? WorstMonth, double WorstShare);
public sealed record PriceSummary(string Material, string Region, double Baseline, double Peak, double PeakMultiple, string PeakMonth, int MonthsAbove2x, double FinalPrice);
public sealed record PriceGap(string Material, double MaxOutsideOverInside, string? MaxGapMonth);
public sealed record DecouplingSummary(string Country, string Material, string Basis, double ShareAtShock, double FinalShare,
    int? MonthsTo50, string? Month50, int? MonthsTo20, string? Month20, string Note);
public sealed record CostSummary(string Country, double ShortageLossUsd, double ExtraProcurementUsd, double FiscalUsd, double TotalUsd);
public sealed record RestrictorSummary(string Country, double ExportRevenueBaselineUsdPerMonth, double ExportRevenueAfterShockUsd,
    double ExportRevenueAtBaselineUsd, double LostExportRevenueUsd, IReadOnlyList<MarketShare> MarketShares, double IdleCapacityShare);
public sealed record MarketShare(string Material, double ShareBeforeShock, double ShareAtEnd);

/// <summary>What a run means in a few numbers: shortages, price spikes, decoupling, costs (summary.json).</summary>
public sealed record RunSummary(
    string Scenario, int Seed, string EngineVersion, string ScenarioHash, string Start, string End, string? Shock,
    string BaselineWindow,
    IReadOnlyList<ShortageSummary> Shortages,
    IReadOnlyList<PriceSummary> Prices,
    IReadOnlyList<PriceGap> PriceGaps,
    IReadOnlyList<DecouplingSummary> Decoupling,
    IReadOnlyList<CostSummary> Costs,
    RestrictorSummary? Restrictor);

/// <summary>Computes <see cref="RunSummary"/> from a recorded run. Definitions are in docs/results.md.</summary>
public static class SummaryBuilder
{
    /// <summary>A month counts as "in shortage" when more than this share of demand went unmet.</summary>
    public const double ShortageMonthThreshold = 0.01;
    public const int DecouplingSustainMonths = 12;

    public static RunSummary Build(SeriesRecorder r, string scenario, int seed, string hash)
    {
        var m = r.Model;
        int T = m.Months;
        int shock = m.ShockMonth >= 0 ? m.ShockMonth : 0;
        int b0 = Math.Max(0, shock - 12), b1 = Math.Max(1, shock); // baseline window [b0, b1)
        if (shock == 0) { b0 = 0; b1 = Math.Min(T, 12); }
        string window = $"{m.MonthLabel(b0)}..{m.MonthLabel(b1 - 1)}";

        var shortages = new List<ShortageSummary>();
        for (int c = 0; c < m.C; c++)
            for (int mat = 0; mat < m.M; mat++)
            {
                double sh = 0, dem = 0, worst = 0; int months = 0, worstT = -1;
                for (int t = 0; t < T; t++)
                {
                    double s = r.At(r.Shortage, t, c, mat), d = r.At(r.Demand, t, c, mat);
                    sh += s; dem += d;
                    double share = d > 0 ? s / d : 0;
                    if (share > ShortageMonthThreshold) months++;
                    if (share > worst) { worst = share; worstT = t; }
                }
                if (dem <= 0) continue;
                shortages.Add(new ShortageSummary(m.CountryIds[c], m.MaterialIds[mat], sh, sh / dem, months,
                    worstT >= 0 ? m.MonthLabel(worstT) : null, worst));
            }

        var prices = new List<PriceSummary>();
        var gaps = new List<PriceGap>();
        for (int mat = 0; mat < m.M; mat++)
        {
            for (int reg = 0; reg < 2; reg++)
            {
                double baseline = 0;
                for (int t = b0; t < b1; t++) baseline += r.PriceAt(t, mat, reg);
                baseline /= (b1 - b0);
                double peak = 0; int peakT = 0, above = 0;
                for (int t = shock; t < T; t++)
                {
                    double p = r.PriceAt(t, mat, reg);
                    if (p > peak) { peak = p; peakT = t; }
                    if (p > 2 * baseline) above++;
                }
                prices.Add(new PriceSummary(m.MaterialIds[mat], m.RegionIds[reg], baseline, peak, peak / baseline, m.MonthLabel(peakT), above, r.PriceAt(T - 1, mat, reg)));
            }
            double maxGap = 0; int gapT = -1;
            for (int t = 0; t < T; t++)
            {
                double g = r.PriceAt(t, mat, 1) / r.PriceAt(t, mat, 0);
                if (g > maxGap) { maxGap = g; gapT = t; }
            }
            gaps.Add(new PriceGap(m.MaterialIds[mat], maxGap, gapT >= 0 ? m.MonthLabel(gapT) : null));
        }

        var decoupling = new List<DecouplingSummary>();
        for (int c = 0; c < m.C; c++)
        {
            if (m.CountryRegion[c] == 0) continue;
            for (int mat = 0; mat < m.M; mat++)
            {
                if (!Relevant(r, c, mat)) continue;
                decoupling.Add(Decouple(r, c, mat, shock, r.ChinaShare, "direct"));
                decoupling.Add(Decouple(r, c, mat, shock, r.ChinaShareEmbedded, "embedded"));
            }
        }

        var costs = new List<CostSummary>();
        for (int c = 0; c < m.C; c++)
        {
            double loss = 0, extra = 0, fiscal = 0;
            for (int t = shock; t < T; t++) { loss += r.EconomicLoss[t * m.C + c]; extra += r.ExtraCost[t * m.C + c]; fiscal += r.FiscalCost[t * m.C + c]; }
            costs.Add(new CostSummary(m.CountryIds[c], loss, extra, fiscal, loss + Math.Max(0, extra) + fiscal));
        }

        return new RunSummary(scenario, seed, EngineInfo.Version, hash, m.MonthLabel(0), m.MonthLabel(T - 1),
            m.ShockMonth >= 0 ? m.MonthLabel(m.ShockMonth) : null, window,
            shortages, prices, gaps, decoupling, costs, Restrictor(r, shock, b0, b1));
    }

    static bool Relevant(SeriesRecorder r, int c, int mat)
    {
        for (int t = 0; t < r.Months; t++) if (!double.IsNaN(r.At(r.ChinaShare, t, c, mat))) return true;
        return false;
    }

    /// <summary>
    /// Months from the shock until the China share falls below a threshold and stays below for
    /// <see cref="DecouplingSustainMonths"/> months (or to the end of the horizon, if that is shorter, it is not counted).
    /// </summary>
    static DecouplingSummary Decouple(SeriesRecorder r, int c, int mat, int shock, double[] series, string basis)
    {
        var m = r.Model;
        double at = Share(r, series, Math.Max(0, shock - 1), c, mat);
        double final = Share(r, series, r.Months - 1, c, mat);
        int? t50 = FirstSustained(r, series, c, mat, shock, 0.5), t20 = FirstSustained(r, series, c, mat, shock, 0.2);
        string note = at < 0.2 ? "below 20% already before the shock"
            : t50 is null ? "not within the horizon (50%)"
            : t20 is null ? "below 50% but not 20% within the horizon" : "decoupled below 20%";
        return new DecouplingSummary(m.CountryIds[c], m.MaterialIds[mat], basis, at, final,
            t50 is null ? null : t50 - shock, t50 is null ? null : m.MonthLabel(t50.Value),
            t20 is null ? null : t20 - shock, t20 is null ? null : m.MonthLabel(t20.Value), note);
    }

    static double Share(SeriesRecorder r, double[] series, int t, int c, int mat)
    {
        for (; t >= 0; t--) { double v = r.At(series, t, c, mat); if (!double.IsNaN(v)) return v; }
        return double.NaN;
    }

    static int? FirstSustained(SeriesRecorder r, double[] series, int c, int mat, int shock, double threshold)
    {
        int run = 0;
        for (int t = shock; t < r.Months; t++)
        {
            double v = Share(r, series, t, c, mat);
            run = !double.IsNaN(v) && v < threshold ? run + 1 : 0;
            if (run >= DecouplingSustainMonths) return t - DecouplingSustainMonths + 1;
        }
        return null;
    }

    static RestrictorSummary? Restrictor(SeriesRecorder r, int shock, int b0, int b1)
    {
        var m = r.Model;
        int cn = Array.IndexOf(m.CountryRegion, 0);
        if (cn < 0) return null;
        int T = m.Months;
        double baseRev = 0;
        for (int t = b0; t < b1; t++) baseRev += r.ExportRevenue[t * m.C + cn];
        baseRev /= (b1 - b0);
        double after = 0;
        for (int t = shock; t < T; t++) after += r.ExportRevenue[t * m.C + cn];
        double atBase = baseRev * (T - shock);
        var shares = new List<MarketShare>();
        for (int mat = 0; mat < m.M; mat++)
            shares.Add(new MarketShare(m.MaterialIds[mat], ProductionShare(r, cn, mat, b0, b1), ProductionShare(r, cn, mat, T - 12, T)));
        double cap = 0, act = 0;
        for (int t = shock; t < T; t++)
            for (int f = 0; f < m.F; f++)
                if (m.FirmCountry[f] == cn) { cap += r.Capacity[t * m.F + f] / 12.0; act += r.Activity[t * m.F + f]; }
        return new RestrictorSummary(m.CountryIds[cn], baseRev, after, atBase, atBase - after, shares, cap > 0 ? 1 - act / cap : 0);
    }

    static double ProductionShare(SeriesRecorder r, int c, int mat, int t0, int t1)
    {
        double own = 0, all = 0;
        for (int t = Math.Max(0, t0); t < t1; t++)
            for (int k = 0; k < r.Model.C; k++)
            {
                double p = r.At(r.Production, t, k, mat) + r.At(r.Recycled, t, k, mat);
                all += p; if (k == c) own += p;
            }
        return all > 0 ? own / all : 0;
    }
}

/// <summary>The engine's version, written next to every result so it can be reproduced.</summary>
public static class EngineInfo
{
    public static string Version { get; } =
        typeof(Simulation).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
