using RareEarth.Engine;
using RareEarth.Runner.Recording;

namespace RareEarth.Runner.Output;

public sealed record ShortageSummary(string Country, string Material, double Tonnes, double Share, int MonthsInShortage, string? WorstMonth, double WorstShare);
/// <summary>
/// A price over the run. <c>Peak</c> is the highest price from the shock to the end (the batch metric); <c>ShockPeak</c> is
/// the highest within <see cref="MetricMath.ShockWindowMonths"/> months of the shock, the part of the move credited to it
/// (null when the scenario has no shock).
/// </summary>
public sealed record PriceSummary(string Material, string Region, double Baseline, double Peak, double PeakMultiple, string PeakMonth, int MonthsAbove2x, double FinalPrice,
    int? PeakMonthsAfterShock, double? ShockPeak, double? ShockPeakMultiple, string? ShockPeakMonth);
public sealed record PriceGap(string Material, double MaxOutsideOverInside, string? MaxGapMonth);
public sealed record DecouplingSummary(string Country, string Material, string Basis, double ShareAtShock, double FinalShare,
    int? MonthsTo50, string? Month50, int? MonthsTo20, string? Month20, string Note);
public sealed record CostSummary(string Country, double ShortageLossUsd, double ExtraProcurementUsd, double FiscalUsd, double TotalUsd);
public sealed record RestrictorSummary(string Country, double ExportRevenueBaselineUsdPerMonth, double ExportRevenueAfterShockUsd,
    double ExportRevenueAtBaselineUsd, double LostExportRevenueUsd, IReadOnlyList<MarketShare> MarketShares, double IdleCapacityShare);
public sealed record MarketShare(string Material, double ShareBeforeShock, double ShareAtEnd);
/// <summary>
/// A firm that mothballed capacity or failed during the run: its most capacity mothballed at once (t/yr of activity),
/// what is still mothballed at the end, the first month it mothballed and the month it failed (null: it did not).
/// </summary>
public sealed record FirmFate(string Firm, string Country, string Process, double CapacityAtStart, double MaxMothballed,
    double MothballedAtEnd, string? FirstMothballMonth, string? ExitMonth);

/// <summary>
/// What the scenario is about: the headline materials (<see cref="Batch.BatchLayout.PreferredFocus"/> and every material under
/// a restrictive export regime) and the countries those regimes target (empty: no export regime names one).
/// </summary>
public sealed record SummaryFocus(IReadOnlyList<string> Materials, IReadOnlyList<string> Countries);

/// <summary>What a run means in a few numbers: shortages, price spikes, decoupling, costs (summary.json).</summary>
public sealed record RunSummary(
    string Scenario, int Seed, string EngineVersion, string ScenarioHash, string Start, string End, string? Shock,
    string BaselineWindow,
    IReadOnlyList<ShortageSummary> Shortages,
    IReadOnlyList<PriceSummary> Prices,
    IReadOnlyList<PriceGap> PriceGaps,
    IReadOnlyList<DecouplingSummary> Decoupling,
    IReadOnlyList<CostSummary> Costs,
    RestrictorSummary? Restrictor,
    SummaryFocus Focus)
{
    /// <summary>Costs against the same world and seed without the confrontation; null when not run (--no-counterfactual) or nothing to remove.</summary>
    public CounterfactualSummary? Counterfactual { get; init; }
    /// <summary>Disruptions against the counterfactual, their size, recovery time and mechanisms (<see cref="ResilienceBuilder"/>); null without one.</summary>
    public ResilienceSummary? Resilience { get; init; }
    /// <summary>Firms that mothballed capacity or failed (docs/model.md, "Mothballing, restart and exit").</summary>
    public IReadOnlyList<FirmFate> Firms { get; init; } = Array.Empty<FirmFate>();
}

/// <summary>Computes <see cref="RunSummary"/> from a recorded run. Definitions are in docs/results.md and <see cref="MetricMath"/>.</summary>
public static class SummaryBuilder
{
    public static RunSummary Build(SeriesRecorder r, string scenario, int seed, string hash)
    {
        var m = r.Model;
        int T = m.Months;
        var w = BaselineWindow.Of(m);
        int shock = w.Shock;

        var shortages = new List<ShortageSummary>();
        for (int c = 0; c < m.C; c++)
            for (int mat = 0; mat < m.M; mat++)
            {
                var st = MetricMath.Shortage(r.Of(r.Shortage, c, mat), r.Of(r.Demand, c, mat));
                if (st.Demand <= 0) continue;
                shortages.Add(new ShortageSummary(m.CountryIds[c], m.MaterialIds[mat], st.Tonnes, st.Share, st.MonthsInShortage,
                    st.WorstMonth >= 0 ? m.MonthLabel(st.WorstMonth) : null, st.WorstShare));
            }

        var prices = new List<PriceSummary>();
        var gaps = new List<PriceGap>();
        for (int mat = 0; mat < m.M; mat++)
        {
            for (int reg = 0; reg < 2; reg++) prices.Add(Spike(m, r.PriceSeries(mat, reg), mat, m.RegionIds[reg], w));
            // countries whose market split off from their region at some point: the price in their own market
            for (int c = 0; c < m.C; c++)
                if (r.HadOwnMarket(mat, c)) prices.Add(Spike(m, r.CountryPriceSeries(mat, c), mat, m.CountryIds[c], w));
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
                if (!MetricMath.AnyDefined(r.Of(r.ChinaShare, c, mat))) continue;
                decoupling.Add(Decouple(m, r.Of(r.ChinaShare, c, mat), c, mat, shock, "direct"));
                decoupling.Add(Decouple(m, r.Of(r.ChinaShareEmbedded, c, mat), c, mat, shock, "embedded"));
            }
        }

        var costs = new List<CostSummary>();
        for (int c = 0; c < m.C; c++)
        {
            var (loss, extra, fiscal, total) = MetricMath.Cost(r.OfCountry(r.EconomicLoss, c), r.OfCountry(r.ExtraCost, c), r.OfCountry(r.FiscalCost, c), shock);
            costs.Add(new CostSummary(m.CountryIds[c], loss, extra, fiscal, total));
        }

        return new RunSummary(scenario, seed, EngineInfo.Version, hash, m.MonthLabel(0), m.MonthLabel(T - 1),
            m.ShockMonth >= 0 ? m.MonthLabel(m.ShockMonth) : null, w.Label(m),
            shortages, prices, gaps, decoupling, costs, Restrictor(r, w), Focus(m)) { Firms = Fates(r) };
    }

    /// <summary>The firms that mothballed capacity or failed during the run.</summary>
    public static List<FirmFate> Fates(SeriesRecorder r)
    {
        var m = r.Model;
        int T = m.Months;
        var list = new List<FirmFate>();
        for (int f = 0; f < m.F; f++)
        {
            double max = 0; int first = -1, exit = -1;
            for (int t = 0; t < T; t++)
            {
                double mb = r.Mothballed[t * m.F + f];
                if (mb > 0 && first < 0) first = t;
                max = Math.Max(max, mb);
                if (r.Exited[t * m.F + f] > 0 && exit < 0) exit = t;
            }
            if (first < 0 && exit < 0) continue;
            list.Add(new FirmFate(m.FirmIds[f], m.CountryIds[m.FirmCountry[f]], m.Processes[m.FirmProcess[f]].Id, m.FirmCapacity0[f], max,
                T > 0 ? r.Mothballed[(T - 1) * m.F + f] : 0, first < 0 ? null : m.MonthLabel(first), exit < 0 ? null : m.MonthLabel(exit)));
        }
        return list;
    }

    /// <summary>One price series against its baseline window: peak, months above 2x, the peak within the shock window.</summary>
    static PriceSummary Spike(Model m, MonthSeries p, int mat, string where, BaselineWindow w)
    {
        int shock = w.Shock, T = m.Months;
        double baseline = MetricMath.Mean(p, w.From, w.To);
        var (peak, peakT) = MetricMath.Peak(p, shock);
        var (near, nearT) = MetricMath.Peak(p, shock, shock + MetricMath.ShockWindowMonths);
        bool hasShock = m.ShockMonth >= 0;
        return new PriceSummary(m.MaterialIds[mat], where, baseline, peak, peak / baseline, m.MonthLabel(peakT),
            MetricMath.MonthsAbove(p, shock, 2 * baseline), p[T - 1],
            hasShock ? peakT - shock : null, hasShock ? near : null, hasShock ? near / baseline : null, hasShock ? m.MonthLabel(nearT) : null);
    }

    /// <summary>The headline materials and the targeted countries (see <see cref="SummaryFocus"/>).</summary>
    public static SummaryFocus Focus(Model m)
    {
        var mats = new SortedSet<int>(Batch.BatchLayout.For(m).FocusMaterials);
        var countries = new SortedSet<int>();
        foreach (var e in m.Events)
        {
            bool restrictive = e.Kind == EventKind.ExportRegime &&
                               (e.Regime is RegimeKind.Ban or RegimeKind.Quota || (e.Regime == RegimeKind.Licence && (e.Value < 1 || e.Delay > 0)));
            if (!restrictive) continue;
            if (e.Destination >= 0) countries.Add(e.Destination);
            for (int mat = 0; mat < m.M; mat++)
                if (e.Materials is { } mask ? mask[mat] : e.Material == mat) mats.Add(mat);
        }
        return new SummaryFocus(mats.Select(i => m.MaterialIds[i]).ToList(), countries.Select(i => m.CountryIds[i]).ToList());
    }

    /// <summary>
    /// Months from the shock until the China share first falls below 50% and 20% and stays below for 12 months
    /// (see <see cref="MetricMath.FirstSustainedBelow"/>); the note says whether it was still below at the end.
    /// </summary>
    static DecouplingSummary Decouple(Model m, MonthSeries share, int c, int mat, int shock, string basis)
    {
        double at = MetricMath.LastKnown(share, Math.Max(0, shock - 1));
        double final = MetricMath.LastKnown(share, share.Months - 1);
        int? t50 = MetricMath.FirstSustainedBelow(share, shock, 0.5), t20 = MetricMath.FirstSustainedBelow(share, shock, 0.2);
        string before = m.ShockMonth >= 0 ? "before the shock" : "at the start";
        string note = at < 0.2 ? $"below 20% already {before}"
            : t50 is null ? "not below 50% for 12 months within the horizon"
            : t20 is null ? (final >= 0.5 ? "below 50% for 12 months or more, back above 50% by the end" : "below 50% but not 20% within the horizon")
            : final >= 0.2 ? $"below 20% for 12 months or more, back above {(final >= 0.5 ? 50 : 20)}% by the end"
            : "decoupled below 20%";
        return new DecouplingSummary(m.CountryIds[c], m.MaterialIds[mat], basis, at, final,
            t50 - shock, t50 is null ? null : m.MonthLabel(t50.Value),
            t20 - shock, t20 is null ? null : m.MonthLabel(t20.Value), note);
    }

    static RestrictorSummary? Restrictor(SeriesRecorder r, BaselineWindow w)
    {
        var m = r.Model;
        int cn = Array.IndexOf(m.CountryRegion, 0);
        if (cn < 0) return null;
        int T = m.Months;
        var rev = MetricMath.LostRevenue(r.OfCountry(r.ExportRevenue, cn), w);
        var shares = new List<MarketShare>();
        for (int mat = 0; mat < m.M; mat++)
            shares.Add(new MarketShare(m.MaterialIds[mat], ProductionShare(r, cn, mat, w.From, w.To), ProductionShare(r, cn, mat, T - 12, T)));
        double cap = 0, act = 0;
        for (int t = w.Shock; t < T; t++)
            for (int f = 0; f < m.F; f++)
                if (m.FirmCountry[f] == cn && !RareEarth.Engine.Phases.ProductionPhase.IsStockholder(m, f)) { cap += r.Capacity[t * m.F + f] / 12.0; act += r.Activity[t * m.F + f]; }
        return new RestrictorSummary(m.CountryIds[cn], rev.BaselinePerMonth, rev.After, rev.AtBaseline, rev.Lost, shares, cap > 0 ? 1 - act / cap : 0);
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
