using RareEarth.Engine;
using RareEarth.Runner.Recording;

namespace RareEarth.Runner.Output;

/// <summary>
/// What the confrontation changed for one country: the scenario minus the same world and seed without the
/// confrontation (the counterfactual), in USD over the horizon. See <see cref="CounterfactualBuilder"/>.
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

/// <summary>The confrontation's costs against its counterfactual (summary.json's <c>counterfactual</c>).</summary>
public sealed record CounterfactualSummary(
    string Definition,
    IReadOnlyList<CountryDelta> Countries,
    IReadOnlyList<ShortageDelta> Shortages,
    RestrictorDelta? Restrictor);

/// <summary>
/// A country's account of the confrontation, against its counterfactual run (same model and seed,
/// <see cref="WorldState.Counterfactual"/>); both runs are identical until the first removed event. Per country,
/// scenario minus counterfactual, summed over the horizon:
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

    public static CounterfactualSummary Build(SeriesRecorder run, SeriesRecorder cf)
    {
        var m = run.Model;
        int T = m.Months, C = m.C, M = m.M;
        var countries = new List<CountryDelta>(C);
        var shortages = new List<ShortageDelta>();
        for (int c = 0; c < C; c++)
        {
            int region = m.CountryRegion[c];
            double shortage = 0;
            for (int mat = 0; mat < M; mat++)
            {
                double s1 = 0, s0 = 0;
                for (int t = 0; t < T; t++) { s1 += run.At(run.Shortage, t, c, mat); s0 += cf.At(cf.Shortage, t, c, mat); }
                shortage += s1 - s0;
                if (Math.Abs(s1 - s0) > 1e-6) shortages.Add(new ShortageDelta(m.CountryIds[c], m.MaterialIds[mat], s1, s0));
            }
            double loss = Sum(run.EconomicLoss, c, C, T) - Sum(cf.EconomicLoss, c, C, T);
            double spend = Spend(run, c, region) - Spend(cf, c, region);
            double margin = Margin(run, c) - Margin(cf, c);
            double fiscal = Sum(run.FiscalCost, c, C, T) - Sum(cf.FiscalCost, c, C, T);
            double exports = Sum(run.ExportRevenue, c, C, T) - Sum(cf.ExportRevenue, c, C, T);
            countries.Add(new CountryDelta(m.CountryIds[c], shortage, loss, spend, margin, fiscal, exports, loss + spend - margin));
        }
        RestrictorDelta? restrictor = null;
        int cn = Array.IndexOf(m.CountryRegion, 0);
        if (cn >= 0)
        {
            double with = Sum(run.ExportRevenue, cn, C, T), without = Sum(cf.ExportRevenue, cn, C, T);
            restrictor = new RestrictorDelta(m.CountryIds[cn], with, without, without - with, without > 0 ? (without - with) / without : 0,
                countries[cn].NetCostUsd);
        }
        return new CounterfactualSummary(Definition, countries, shortages, restrictor);
    }

    /// <summary>USD the country's buyers paid: tonnes received times their region's price that month.</summary>
    static double Spend(SeriesRecorder r, int c, int region)
    {
        double usd = 0;
        for (int t = 0; t < r.Months; t++)
            for (int mat = 0; mat < r.Model.M; mat++)
                usd += r.At(r.Acquired, t, c, mat) * r.PriceAt(t, mat, region) * 1000;
        return usd;
    }

    /// <summary>USD the country's firms earned on sales less their processing cost (inputs are in <see cref="Spend"/>).</summary>
    static double Margin(SeriesRecorder r, int c)
    {
        var m = r.Model;
        double usd = 0;
        for (int t = 0; t < r.Months; t++)
            for (int f = 0; f < m.F; f++)
                if (m.FirmCountry[f] == c)
                    usd += r.FirmRevenue[t * m.F + f] - r.Activity[t * m.F + f] * m.FirmUnitCost[f] * 1000;
        return usd;
    }

    static double Sum(double[] a, int c, int C, int T)
    {
        double sum = 0;
        for (int t = 0; t < T; t++) sum += a[t * C + c];
        return sum;
    }
}
