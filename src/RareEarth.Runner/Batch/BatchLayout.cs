using System.Text;
using RareEarth.Engine;

namespace RareEarth.Runner.Batch;

public enum MetricKind : byte
{
    PeakPriceMultiple,
    PeakMarketPriceMultiple,
    ShortageShare,
    ShortageMonths,
    DecouplingMonths50,
    TotalCost,
    LostExportRevenue,
    /// <summary>Net cost against the counterfactual run (<see cref="Output.CounterfactualBuilder.NetCost"/>).</summary>
    NetCostVsCounterfactual,
    /// <summary>Extra shortage over all materials against the counterfactual run, t.</summary>
    ShortageVsCounterfactual,
    /// <summary>The controlling country's export revenue in the counterfactual minus in the run.</summary>
    LostExportRevenueVsCounterfactual,
    /// <summary>A calibration target's distance to history (the calibrate command's generation stores).</summary>
    CalibrationDistance,
    /// <summary>The main disruption's peak supply loss share (<see cref="Output.ResilienceBuilder"/>; 0: no disruption).</summary>
    ResilienceSize,
    /// <summary>Months the main disruption took to recover (NULL: not within the horizon; 0: no disruption).</summary>
    ResilienceRecoveryMonths,
    /// <summary>The share of the main disruption's recovery from one mechanism (<see cref="MetricDef.Mechanism"/>).</summary>
    ResilienceShare,
}

/// <summary>One summary metric of a run: a column of the store's <c>runs</c> table.</summary>
/// <param name="Mechanism">For <see cref="MetricKind.ResilienceShare"/>: the index in <see cref="Output.ResilienceBuilder.MechanismNames"/>.</param>
public sealed record MetricDef(string Name, MetricKind Kind, int Material, int Country, int Region, string Unit, string Description, int Mechanism = -1);

public enum SeriesKind : byte { Price, ShortageShare, ChinaShare }

/// <summary>One monthly series kept per run (the store's <c>series</c> rows with this metric, material and country).</summary>
public sealed record SeriesDef(int Id, SeriesKind Kind, string Metric, int Material, int Country, int Region, string MaterialId, string CountryId, string Unit);

/// <summary>
/// What a batch keeps of each run, derived from the model's structure (never from a run's results, so
/// every run of a batch has the same columns):
/// <list type="bullet">
/// <item>focus materials: ndfeb_magnet and dy_oxide where the scenario has them, else its materials of kind
/// magnet, else all materials;</item>
/// <item>importers of a material: countries outside the controlling price region with an end-use sector for
/// it or a firm whose process uses it as an input;</item>
/// <item>metrics (one column each, names as in the runs table):
/// <c>peak_price_multiple_{material}_{ROW}</c> for every material,
/// <c>shortage_share_{country}_{material}</c> and <c>shortage_months_{country}_{material}</c> per importer of a focus material,
/// <c>decoupling_months_50_{country}_{material}</c> for JP, US and EU (all importers if none of them exists),
/// <c>total_cost_usd_{country}</c> for every country, <c>lost_export_revenue_usd_{CN}</c> for the controlling country;
/// when the scenario has a counterfactual (<see cref="Model.HasCounterfactual"/>), paired with each run (same seed and
/// parameter values, without the confrontation): <c>net_cost_vs_cf_usd_{country}</c> and <c>shortage_vs_cf_t_{country}</c>
/// for every country, <c>lost_export_revenue_vs_cf_usd_{CN}</c>; per focus material, the main disruption's resilience
/// indicators (<see cref="Output.ResilienceBuilder"/>): <c>resilience_size_{material}</c>, <c>resilience_recovery_months_{material}</c>
/// and <c>resilience_share_{mechanism}_{material}</c> for each mechanism (<see cref="Output.ResilienceBuilder.MechanismColumns"/>).
/// Definitions are those of <c>summary.json</c> (<see cref="Output.SummaryBuilder"/>);</item>
/// <item>series (monthly): price of every material in both regions, shortage share and direct China share
/// per importer of a focus material.</item>
/// </list>
/// </summary>
public sealed class BatchLayout
{
    public static readonly string[] PreferredFocus = { "ndfeb_magnet", "dy_oxide" };
    public static readonly string[] DecouplingCountries = { "JP", "US", "EU" };

    public required IReadOnlyList<MetricDef> Metrics { get; init; }
    public required IReadOnlyList<SeriesDef> Series { get; init; }
    public required int[] FocusMaterials { get; init; }
    public required int Months { get; init; }
    public required string[] MaterialIds { get; init; }
    public required string[] CountryIds { get; init; }
    public required string[] RegionIds { get; init; }
    public required int StartYear { get; init; }
    public required int StartMonth { get; init; }
    public required int ShockMonth { get; init; }
    /// <summary>Each run is paired with its counterfactual run (the scenario removes some events or price floors).</summary>
    public bool HasCounterfactual { get; init; }

    /// <summary>Monthly values kept per run: series x months (controls-2025: 34 x 144 = 4,896).</summary>
    public int SeriesValuesPerRun => Series.Count * Months;

    public static BatchLayout For(Model m)
    {
        var focus = PreferredFocus.Select(m.IndexOfMaterial).Where(i => i >= 0).ToArray();
        if (focus.Length == 0) focus = Enumerable.Range(0, m.M).Where(i => m.MaterialKinds[i] == "magnet").ToArray();
        if (focus.Length == 0) focus = Enumerable.Range(0, m.M).ToArray();
        int outside = m.RegionIds.Length > 1 ? 1 : 0;
        int cn = Array.IndexOf(m.CountryRegion, 0);

        // importers of each focus material, in country order
        var pairs = new List<(int C, int Mat)>();
        foreach (int mat in focus)
            for (int c = 0; c < m.C; c++)
                if (m.CountryRegion[c] != 0 && Buys(m, c, mat)) pairs.Add((c, mat));

        var metrics = new List<MetricDef>();
        for (int mat = 0; mat < m.M; mat++)
            metrics.Add(new MetricDef(Col("peak_price_multiple", m.MaterialIds[mat], m.RegionIds[outside]), MetricKind.PeakPriceMultiple, mat, -1, outside, "x baseline",
                $"{m.MaterialIds[mat]} {m.RegionIds[outside]} price: peak after the shock / mean of the 12 months before it"));
        foreach (var (c, mat) in pairs)
        {
            metrics.Add(new MetricDef(Col("peak_market_price_multiple", m.CountryIds[c], m.MaterialIds[mat]), MetricKind.PeakMarketPriceMultiple, mat, c, -1, "x baseline",
                $"{m.CountryIds[c]} {m.MaterialIds[mat]}: price in the country's market (its own when it split off, else outside China's): peak after the shock / mean of the 12 months before it"));
            metrics.Add(new MetricDef(Col("shortage_share", m.CountryIds[c], m.MaterialIds[mat]), MetricKind.ShortageShare, mat, c, -1, "share",
                $"{m.CountryIds[c]} {m.MaterialIds[mat]}: unmet demand / demand over the horizon"));
            metrics.Add(new MetricDef(Col("shortage_months", m.CountryIds[c], m.MaterialIds[mat]), MetricKind.ShortageMonths, mat, c, -1, "months",
                $"{m.CountryIds[c]} {m.MaterialIds[mat]}: months with more than 1% of demand unmet"));
        }
        var decouple = pairs.Where(p => DecouplingCountries.Contains(m.CountryIds[p.C])).ToList();
        if (decouple.Count == 0) decouple = pairs;
        foreach (var (c, mat) in decouple.OrderBy(p => Array.IndexOf(DecouplingCountries, m.CountryIds[p.C])).ThenBy(p => Array.IndexOf(focus, p.Mat)))
            metrics.Add(new MetricDef(Col("decoupling_months_50", m.CountryIds[c], m.MaterialIds[mat]), MetricKind.DecouplingMonths50, mat, c, -1, "months",
                $"{m.CountryIds[c]} {m.MaterialIds[mat]}: months from the shock until the direct China share stays below 50% for 12 months (NULL: not within the horizon)"));
        for (int c = 0; c < m.C; c++)
            metrics.Add(new MetricDef(Col("total_cost_usd", m.CountryIds[c]), MetricKind.TotalCost, -1, c, -1, "USD",
                $"{m.CountryIds[c]}: shortage loss + extra procurement (if positive) + fiscal cost from the shock on"));
        if (cn >= 0)
            metrics.Add(new MetricDef(Col("lost_export_revenue_usd", m.CountryIds[cn]), MetricKind.LostExportRevenue, -1, cn, -1, "USD",
                $"{m.CountryIds[cn]}: export revenue at the pre-shock rate minus actual export revenue, from the shock on"));
        if (m.HasCounterfactual)
        {
            for (int c = 0; c < m.C; c++)
                metrics.Add(new MetricDef(Col("net_cost_vs_cf_usd", m.CountryIds[c]), MetricKind.NetCostVsCounterfactual, -1, c, -1, "USD",
                    $"{m.CountryIds[c]}: net cost against the same run without the confrontation (economic loss + procurement - producer margin)"));
            for (int c = 0; c < m.C; c++)
                metrics.Add(new MetricDef(Col("shortage_vs_cf_t", m.CountryIds[c]), MetricKind.ShortageVsCounterfactual, -1, c, -1, "t",
                    $"{m.CountryIds[c]}: shortage over all materials minus the same run's without the confrontation"));
            if (cn >= 0)
                metrics.Add(new MetricDef(Col("lost_export_revenue_vs_cf_usd", m.CountryIds[cn]), MetricKind.LostExportRevenueVsCounterfactual, -1, cn, -1, "USD",
                    $"{m.CountryIds[cn]}: export revenue without the confrontation minus with it, over the horizon"));
            foreach (int mat in focus)
            {
                string id = m.MaterialIds[mat];
                metrics.Add(new MetricDef(Col("resilience_size", id), MetricKind.ResilienceSize, mat, -1, -1, "share",
                    $"{id}: the main disruption's peak supply loss outside China against the counterfactual (0: no disruption)"));
                metrics.Add(new MetricDef(Col("resilience_recovery_months", id), MetricKind.ResilienceRecoveryMonths, mat, -1, -1, "months",
                    $"{id}: months from the main disruption's start until supply and price are back within the band (NULL: not within the horizon)"));
                for (int k = 0; k < Output.ResilienceBuilder.MechanismNames.Length; k++)
                    metrics.Add(new MetricDef(Col("resilience_share", Output.ResilienceBuilder.MechanismColumns[k], id), MetricKind.ResilienceShare, mat, -1, -1, "share",
                        $"{id}: share of the main disruption's recovery from {Output.ResilienceBuilder.MechanismNames[k].Replace('_', ' ')} (NULL: no disruption or no recovery)", k));
            }
        }

        var series = new List<SeriesDef>();
        for (int mat = 0; mat < m.M; mat++)
            for (int reg = m.RegionIds.Length - 1; reg >= 0; reg--)
                series.Add(new SeriesDef(series.Count, SeriesKind.Price, "price", mat, -1, reg, m.MaterialIds[mat], m.RegionIds[reg], "USD/kg"));
        foreach (var (c, mat) in pairs)
            series.Add(new SeriesDef(series.Count, SeriesKind.ShortageShare, "shortage_share", mat, c, -1, m.MaterialIds[mat], m.CountryIds[c], "share"));
        foreach (var (c, mat) in pairs)
            series.Add(new SeriesDef(series.Count, SeriesKind.ChinaShare, "china_share", mat, c, -1, m.MaterialIds[mat], m.CountryIds[c], "share"));

        return new BatchLayout
        {
            Metrics = metrics, Series = series, FocusMaterials = focus, Months = m.Months,
            MaterialIds = m.MaterialIds, CountryIds = m.CountryIds, RegionIds = m.RegionIds,
            StartYear = m.StartYear, StartMonth = m.StartMonth, ShockMonth = m.ShockMonth, HasCounterfactual = m.HasCounterfactual,
        };
    }

    /// <summary>True when a run's model has the structure this layout was made for.</summary>
    public bool Fits(Model m) =>
        m.Months == Months && m.StartYear == StartYear && m.StartMonth == StartMonth &&
        m.MaterialIds.SequenceEqual(MaterialIds) && m.CountryIds.SequenceEqual(CountryIds) && m.RegionIds.SequenceEqual(RegionIds);

    static bool Buys(Model m, int c, int mat)
    {
        for (int s = 0; s < m.S; s++) if (m.SectorCountry[s] == c && m.SectorMaterial[s] == mat) return true;
        for (int f = 0; f < m.F; f++) if (m.FirmCountry[f] == c && m.Processes[m.FirmProcess[f]].Inputs[mat] > 0) return true;
        return false;
    }

    /// <summary>A column name: parts joined by '_', anything but letters, digits and '_' replaced by '_'.</summary>
    public static string Col(params string[] parts)
    {
        var sb = new StringBuilder();
        foreach (var p in parts)
        {
            if (sb.Length > 0) sb.Append('_');
            foreach (var ch in p) sb.Append(char.IsAsciiLetterOrDigit(ch) || ch == '_' ? ch : '_');
        }
        return sb.ToString();
    }
}
