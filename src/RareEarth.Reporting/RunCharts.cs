using RareEarth.Runner.Recording;

namespace RareEarth.Reporting;

/// <summary>The charts of one run: prices by region, shortage by importer, China share by importer, stock coverage.</summary>
public static class RunCharts
{
    /// <summary>Builds the chart definitions (pure; tested) for a recorded run.</summary>
    public static List<TimeChart> Build(SeriesRecorder r)
    {
        var m = r.Model;
        int T = m.Months;
        var charts = new List<TimeChart>();
        string shock = m.ShockMonth >= 0 ? $"month (shock {m.MonthLabel(m.ShockMonth)})" : "month";

        // overview: every material's price as a multiple of its first-month price, both regions
        var index = new List<ChartSeries>();
        for (int mat = 0; mat < m.M; mat++)
            for (int reg = 1; reg >= 0; reg--)
            {
                double b = r.PriceAt(0, mat, reg);
                index.Add(new ChartSeries($"{m.MaterialIds[mat]} {m.RegionIds[reg]}", Series(T, t => r.PriceAt(t, mat, reg) / b), Dashed: reg == 0, ColorIndex: mat));
            }
        charts.Add(new TimeChart("prices", "Prices by region, as a multiple of the first month (dashed: Chinese domestic)",
            "price / price in first month", m.StartYear, m.StartMonth, index.Where(s => Interesting(s.Values)).ToList(), 1.0, shock));

        for (int mat = 0; mat < m.M; mat++)
        {
            string id = m.MaterialIds[mat];
            charts.Add(new TimeChart($"price_{id}", $"{id}: price by region", "USD/kg", m.StartYear, m.StartMonth, new[]
            {
                new ChartSeries($"{m.RegionIds[1]} (outside China)", Series(T, t => r.PriceAt(t, mat, 1))),
                new ChartSeries($"{m.RegionIds[0]} (Chinese domestic)", Series(T, t => r.PriceAt(t, mat, 0)), Dashed: true),
            }, null, shock));

            var shortage = new List<ChartSeries>();
            var share = new List<ChartSeries>();
            var cover = new List<ChartSeries>();
            for (int c = 0; c < m.C; c++)
            {
                string cid = m.CountryIds[c];
                var sh = Series(T, t => { double d = r.At(r.Demand, t, c, mat); return d > 0 ? 100 * r.At(r.Shortage, t, c, mat) / d : 0; });
                if (sh.Any(v => v > 0.5)) shortage.Add(new ChartSeries(cid, sh));
                if (m.CountryRegion[c] != 0)
                {
                    var cs = Series(T, t => 100 * r.At(r.ChinaShare, t, c, mat));
                    if (cs.Any(v => !double.IsNaN(v)) && r.At(r.Demand, 0, c, mat) > 0) share.Add(new ChartSeries(cid, cs));
                }
                var cv = Series(T, t => { double d = r.At(r.Demand, t, c, mat); return d > 0 ? (r.At(r.Inventory, t, c, mat) + r.At(r.Stockpile, t, c, mat)) / d : double.NaN; });
                if (r.At(r.Demand, 0, c, mat) > 0) cover.Add(new ChartSeries(cid, cv));
            }
            if (shortage.Count > 0)
                charts.Add(new TimeChart($"shortage_{id}", $"{id}: shortage by country (unmet demand)", "% of demand", m.StartYear, m.StartMonth, shortage, null, shock));
            if (share.Count > 0)
                charts.Add(new TimeChart($"china_share_{id}", $"{id}: share of supply from China, by importer", "% of supply acquired", m.StartYear, m.StartMonth, share, 50, shock));
            if (cover.Count > 0)
                charts.Add(new TimeChart($"coverage_{id}", $"{id}: stocks in months of demand (firms, users, stockpiles)", "months of demand", m.StartYear, m.StartMonth, cover, null, shock));
        }
        return charts;
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

    static bool Interesting(double[] v)
    {
        double min = double.MaxValue, max = double.MinValue;
        foreach (var x in v) { if (double.IsNaN(x)) continue; min = Math.Min(min, x); max = Math.Max(max, x); }
        return max - min > 0.05;
    }
}
