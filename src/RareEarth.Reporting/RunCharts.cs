using System.Globalization;
using RareEarth.Runner.Output;
using RareEarth.Runner.Recording;

namespace RareEarth.Reporting;

/// <summary>
/// The charts of one run, one question each: how did every material's price move (small multiples), what did
/// each material cost in each region, who went short and when, how much each importer bought from China
/// (small multiples, only in months with purchases), and how many months of demand each country's stocks cover.
/// </summary>
public static class RunCharts
{
    /// <summary>A country's own market is drawn next to the regions when its price exceeds the outside-China price by more than this factor in some month.</summary>
    const double OwnMarketMargin = 1.05;

    /// <summary>The China share is drawn only in months where an importer's purchases reach this share of its demand.</summary>
    public const double SharePurchaseThreshold = MetricMath.SharePurchaseThreshold;

    /// <summary>The coverage axis ends here when some country's stocks reach further (stocks against a vanishing demand).</summary>
    public const double CoverageCapMonths = 36;

    /// <summary>Builds the chart definitions (pure; tested) for a recorded run.</summary>
    public static List<TimeChart> Build(SeriesRecorder r)
    {
        var m = r.Model;
        int T = m.Months;
        var charts = new List<TimeChart>();
        int? shockMonth = m.ShockMonth >= 0 && m.ShockMonth < T ? m.ShockMonth : null;
        string note = "month";
        TimeChart Chart(string stem, string title, string ylabel, IReadOnlyList<ChartSeries> series, double? reference = null) =>
            new(stem, title, ylabel, m.StartYear, m.StartMonth, series, reference, note) { ShockMonth = shockMonth };

        // overview: one panel per material, its price in both regions as a multiple of the first month
        var panels = new List<TimePanel>();
        for (int mat = 0; mat < m.M; mat++)
        {
            double b1 = r.PriceAt(0, mat, 1), b0 = r.PriceAt(0, mat, 0);
            panels.Add(new TimePanel(m.MaterialIds[mat], new[]
            {
                new ChartSeries($"{m.RegionIds[1]} (outside China)", Series(T, t => r.PriceAt(t, mat, 1) / b1), ColorIndex: 0),
                new ChartSeries($"{m.RegionIds[0]} (Chinese domestic)", Series(T, t => r.PriceAt(t, mat, 0) / b0), Dashed: true, ColorIndex: 1),
            }));
        }
        charts.Add(Chart("prices", $"Prices as a multiple of the first month: {m.RegionIds[1]} outside China (solid), {m.RegionIds[0]} domestic (dashed)",
            "× first month", Array.Empty<ChartSeries>(), 1.0) with { Panels = panels });

        for (int mat = 0; mat < m.M; mat++)
        {
            string id = m.MaterialIds[mat];
            var prices = new List<ChartSeries>
            {
                new($"{m.RegionIds[1]} (outside China, mean weighted by need)", Series(T, t => r.PriceAt(t, mat, 1))),
                new($"{m.RegionIds[0]} (Chinese domestic)", Series(T, t => r.PriceAt(t, mat, 0)), Dashed: true),
            };
            // the pooled market (what every country not cut off pays), where it parts from the weighted mean
            bool parts = false;
            for (int t = 0; t < T && !parts; t++) parts = Math.Abs(r.PoolPriceAt(t, mat) - r.PriceAt(t, mat, 1)) > 0.01 * r.PriceAt(t, mat, 1);
            if (parts) prices.Add(new ChartSeries("pooled market (countries not cut off)", Series(T, t => r.PoolPriceAt(t, mat)), Dashed: true, ColorIndex: 2));
            // countries cut off beyond what they could reroute, where their own price stood clearly above the pooled market's
            for (int c = 0; c < m.C; c++)
            {
                if (!r.HadOwnMarket(mat, c)) continue;
                var own = r.CountryPriceSeries(mat, c);
                bool above = false;
                for (int t = 0; t < T && !above; t++) above = own[t] > OwnMarketMargin * r.PoolPriceAt(t, mat);
                if (above) prices.Add(new ChartSeries($"{m.CountryIds[c]} market (its own price)", Series(T, t => own[t]), ColorIndex: 2 + prices.Count));
            }
            charts.Add(Chart($"price_{id}", prices.Count > 2 ? $"{id}: price by region and in markets of their own" : $"{id}: price by region", "USD/kg", prices));

            var shortage = new List<ChartSeries>();
            var share = new List<TimePanel>();
            var cover = new List<ChartSeries>();
            for (int c = 0; c < m.C; c++)
            {
                string cid = m.CountryIds[c];
                var sh = Series(T, t => { double d = r.At(r.Demand, t, c, mat); return d > 0 ? 100 * r.At(r.Shortage, t, c, mat) / d : 0; });
                if (sh.Any(v => v > 0.5)) shortage.Add(new ChartSeries(cid, sh, Markers: true));
                if (m.CountryRegion[c] != 0)
                {
                    var cs = ChinaShare(r, c, mat);
                    if (cs.Any(double.IsFinite)) share.Add(new TimePanel(cid, new[] { new ChartSeries(cid, cs) }));
                }
                var cv = Series(T, t => { double d = r.At(r.Demand, t, c, mat); return d > 0 ? (r.At(r.Inventory, t, c, mat) + r.At(r.Stockpile, t, c, mat)) / d : double.NaN; });
                if (cv.Any(double.IsFinite)) cover.Add(new ChartSeries(cid, cv));
            }
            if (shortage.Count > 0)
                charts.Add(ShortageChart(Chart($"shortage_{id}", $"{id}: shortage by country (unmet demand in each month)", "% of demand", shortage), T));
            if (share.Count > 0)
                charts.Add(Chart($"china_share_{id}",
                    $"{id}: share of purchases from China by importer (gaps: purchases under {SharePurchaseThreshold * 100:0.#}% of demand)",
                    "% from China", Array.Empty<ChartSeries>(), 50) with { Panels = share });
            if (cover.Count > 0)
                charts.Add(CoverageChart(Chart($"coverage_{id}", $"{id}: stocks in months of demand (firms, users, stockpiles)", "months of demand", cover)));
        }
        return charts;
    }

    /// <summary>
    /// An importer's direct share of purchases from China in percent, NaN in months where it bought less than
    /// <see cref="SharePurchaseThreshold"/> of its demand: there the engine's share only repeats an old value or
    /// rests on a few kilograms.
    /// </summary>
    public static double[] ChinaShare(SeriesRecorder r, int c, int mat)
    {
        var m = r.Model;
        return Series(m.Months, t =>
        {
            double bought = 0;
            for (int o = 0; o < m.C; o++) bought += r.TradeAt(t, o, mat, c);
            return 100 * MetricMath.ShownShare(r.At(r.ChinaShare, t, c, mat), bought, r.At(r.Demand, t, c, mat));
        });
    }

    /// <summary>Shortages of a few months: the axis shows the months around them (and the shock), the title says which.</summary>
    static TimeChart ShortageChart(TimeChart chart, int months)
    {
        int first = int.MaxValue, last = -1;
        foreach (var s in chart.Series)
            for (int t = 0; t < s.Values.Length; t++)
                if (s.Values[t] > 0) { first = Math.Min(first, t); last = Math.Max(last, t); }
        if (last < 0 || last - first + 1 > months / 2) return chart;
        int from = Math.Max(0, first - 6), to = Math.Min(months - 1, last + 6);
        if (chart.ShockMonth is int shock) from = Math.Max(0, Math.Min(from, shock - 3));
        string window = $"{chart.Date(from):yyyy-MM} to {chart.Date(to):yyyy-MM}";
        return chart with { Window = (from, to), Title = $"{chart.Title}\nshown: {window}; no shortage in the other months" };
    }

    /// <summary>Coverage above <see cref="CoverageCapMonths"/> flattens every other country: cap the axis and name who is above it.</summary>
    static TimeChart CoverageChart(TimeChart chart)
    {
        var above = chart.Series.Select(s => (s.Label, Max: s.Values.Where(double.IsFinite).DefaultIfEmpty(0).Max()))
            .Where(x => x.Max > CoverageCapMonths).ToList();
        if (above.Count == 0) return chart;
        string who = string.Join(", ", above.Select(x => $"{x.Label} up to {x.Max.ToString("#,0", CultureInfo.InvariantCulture)}"));
        return chart with { YMax = CoverageCapMonths, Title = $"{chart.Title}\naxis capped at {CoverageCapMonths:0} months; above it: {who}" };
    }

    public static IReadOnlyList<string> Render(SeriesRecorder r, string dir)
    {
        var paths = new List<string>();
        foreach (var chart in Build(r)) paths.Add(ChartRenderer.Render(chart, dir));
        return paths;
    }

    static double[] Series(int n, Func<int, double> f)
    {
        var v = new double[n];
        for (int t = 0; t < n; t++) v[t] = f(t);
        return v;
    }
}
