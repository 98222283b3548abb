using RareEarth.Engine;
using RareEarth.Runner.Recording;

namespace RareEarth.Runner.Output;

/// <summary>
/// What the confrontation changed for one country: the scenario minus the same world and seed without the
/// confrontation (the counterfactual), summed over the horizon. See <see cref="CounterfactualBuilder"/>.
/// </summary>
public sealed record CountryDelta(
    string Country,
    double ShortageTonnes,
    double EconomicLossUsd,
    double ProcurementUsd,
    double ProducerMarginUsd,
    double FiscalUsd,
    double ExportRevenueUsd,
    double NetCostUsd);

/// <summary>One country's shortage of one material, with and without the confrontation (tonnes over the horizon).</summary>
public sealed record ShortageDelta(string Country, string Material, double Tonnes, double CounterfactualTonnes);

/// <summary>The restricting country's own export revenue with and without its confrontation, and its net cost.</summary>
public sealed record RestrictorDelta(string Country, double ExportRevenueUsd, double CounterfactualExportRevenueUsd, double LostExportRevenueUsd,
    double LostShare, double NetCostUsd);

/// <summary>What one origin shipped to a country over the horizon, with and without the confrontation, t.</summary>
public sealed record RerouteFlow(string Origin, double Tonnes, double CounterfactualTonnes);

/// <summary>
/// A country whose market split off (its supplies restricted beyond what its suppliers elsewhere could replace): months
/// with a price of its own, the premium it paid over the outside-China price on its imports, and its imports by origin.
/// </summary>
public sealed record Rerouting(string Country, string Material, int OwnMarketMonths, double PremiumUsd, double ImportedTonnes,
    IReadOnlyList<RerouteFlow> Origins);

/// <summary>The confrontation's costs against its counterfactual (summary.json's <c>counterfactual</c>).</summary>
public sealed record CounterfactualSummary(
    string Definition,
    IReadOnlyList<CountryDelta> Countries,
    IReadOnlyList<ShortageDelta> Shortages,
    RestrictorDelta? Restrictor,
    IReadOnlyList<Rerouting> Rerouting);

/// <summary>
/// A country's account of the confrontation, against its counterfactual run (same model and seed,
/// <see cref="WorldState.Counterfactual"/>); both runs are identical until the first removed event. Per country,
/// scenario minus counterfactual, summed over the horizon (<see cref="CountryTotals"/>):
/// <list type="bullet">
/// <item>shortage: unmet need of its sectors and of its firms' inputs, t;</item>
/// <item>economic loss: shortage times each sector's loss per tonne;</item>
/// <item>procurement: what its buyers (sectors, firms buying inputs, strategic stockpiles) paid: tonnes received
/// times their region's price;</item>
/// <item>producer margin: its firms' sales revenue less their processing cost (unit cost times activity);</item>
/// <item>net cost = economic loss + procurement − producer margin. A domestic sale is paid by a domestic buyer and
/// earned by a domestic firm, so it cancels: what is left is the value of unmet use and the change in what the
/// country pays abroad less what it earns abroad;</item>
/// <item>fiscal (price-floor top-ups and stockpile purchases) and export revenue are shown too; they are transfers
/// inside the country and part of the producer margin respectively, so they are not added again.</item>
/// </list>
/// Revenue is booked when goods change hands: stocks bought and still held at the end count as spent.
/// </summary>
public static class CounterfactualBuilder
{
    public const string Definition =
        "scenario minus the same world and seed without the confrontation (events and price floors not marked counterfactual: keep); " +
        "net cost = economic loss + procurement - producer margin (domestic sales cancel); fiscal and export revenue are shown, not added";

    public static CounterfactualSummary Build(CountryTotals run, CountryTotals cf)
    {
        var m = run.Model;
        int C = m.C, M = m.M;
        var countries = new List<CountryDelta>(C);
        var shortages = new List<ShortageDelta>();
        for (int c = 0; c < C; c++)
        {
            double shortage = 0;
            for (int mat = 0; mat < M; mat++)
            {
                double s1 = run.Shortage[c * M + mat], s0 = cf.Shortage[c * M + mat];
                shortage += s1 - s0;
                if (Math.Abs(s1 - s0) > 1e-6) shortages.Add(new ShortageDelta(m.CountryIds[c], m.MaterialIds[mat], s1, s0));
            }
            countries.Add(new CountryDelta(m.CountryIds[c], shortage,
                run.EconomicLoss[c] - cf.EconomicLoss[c], run.Spend[c] - cf.Spend[c], run.ProducerMargin[c] - cf.ProducerMargin[c],
                run.Fiscal[c] - cf.Fiscal[c], run.ExportRevenue[c] - cf.ExportRevenue[c], NetCost(run, cf, c)));
        }
        RestrictorDelta? restrictor = null;
        int cn = Array.IndexOf(m.CountryRegion, 0);
        if (cn >= 0)
        {
            double with = run.ExportRevenue[cn], without = cf.ExportRevenue[cn];
            restrictor = new RestrictorDelta(m.CountryIds[cn], with, without, without - with, without > 0 ? (without - with) / without : 0,
                countries[cn].NetCostUsd);
        }
        return new CounterfactualSummary(Definition, countries, shortages, restrictor, Reroutings(run, cf));
    }

    /// <summary>Every country and material whose market split off in the run, with its imports by origin against the counterfactual.</summary>
    static List<Rerouting> Reroutings(CountryTotals run, CountryTotals cf)
    {
        var m = run.Model;
        int C = m.C, M = m.M;
        var list = new List<Rerouting>();
        for (int d = 0; d < C; d++)
            for (int mat = 0; mat < M; mat++)
            {
                int months = run.OwnMarketMonths[d * M + mat];
                if (months == 0) continue;
                var origins = new List<RerouteFlow>();
                double imported = 0;
                for (int o = 0; o < C; o++)
                {
                    if (o == d) continue;
                    double q1 = run.Imports[(o * M + mat) * C + d], q0 = cf.Imports[(o * M + mat) * C + d];
                    imported += q1;
                    if (Math.Max(q1, q0) > 0.5) origins.Add(new RerouteFlow(m.CountryIds[o], q1, q0));
                }
                origins.Sort((a, b) => (b.Tonnes - b.CounterfactualTonnes).CompareTo(a.Tonnes - a.CounterfactualTonnes));
                list.Add(new Rerouting(m.CountryIds[d], m.MaterialIds[mat], months, run.ImportPremium[d * M + mat], imported, origins));
            }
        return list;
    }

    /// <summary>Net cost of country c: economic loss + procurement − producer margin, each against the counterfactual.</summary>
    public static double NetCost(CountryTotals run, CountryTotals cf, int c) =>
        (run.EconomicLoss[c] - cf.EconomicLoss[c]) + (run.Spend[c] - cf.Spend[c]) - (run.ProducerMargin[c] - cf.ProducerMargin[c]);

    /// <summary>Extra shortage of country c over all materials, t, against the counterfactual (the order of <see cref="Build"/>).</summary>
    public static double ExtraShortage(CountryTotals run, CountryTotals cf, int c)
    {
        double shortage = 0;
        int M = run.Model.M;
        for (int mat = 0; mat < M; mat++) shortage += run.Shortage[c * M + mat] - cf.Shortage[c * M + mat];
        return shortage;
    }
}
