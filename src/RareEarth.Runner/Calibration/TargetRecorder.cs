using RareEarth.Engine;

namespace RareEarth.Runner.Calibration;

/// <summary>
/// A history series bound to a model: which prices or trade flows make it up. Values follow the <c>history</c>
/// command's definitions (<c>HistoryComparison.ModelValue</c>; a test checks they agree): a price is the region's price,
/// exports and imports exclude trade within a country, a partner restricts the flow to that origin or destination, and
/// <c>reo</c> sums every material with REO content, weighted by it.
/// </summary>
public sealed class BoundSeries
{
    public required SeriesKey Key { get; init; }
    readonly int _region = -1, _country = -1, _partner = -1;
    readonly int[] _materials = Array.Empty<int>();
    readonly double[] _factor = Array.Empty<double>();

    BoundSeries(int region, int country, int partner, int[] materials, double[] factor)
    {
        _region = region; _country = country; _partner = partner; _materials = materials; _factor = factor;
    }

    /// <summary>Binds a series to the model, or returns why it cannot be (an unknown material, country or region).</summary>
    public static (BoundSeries? Series, string? Problem) Bind(Model m, SeriesKey key)
    {
        bool reo = key.Material == "reo";
        int[] materials = reo ? Enumerable.Range(0, m.M).Where(i => m.ReoContent[i] > 0).ToArray() : new[] { m.IndexOfMaterial(key.Material) };
        if (materials.Length == 0 || materials[0] < 0) return (null, $"material '{key.Material}' is not in the scenario (materials: {string.Join(", ", m.MaterialIds)}, or reo)");
        var factor = materials.Select(i => reo ? m.ReoContent[i] : 1.0).ToArray();
        if (key.Metric == "price")
        {
            int reg = Array.IndexOf(m.RegionIds, key.Country);
            if (reg < 0) return (null, $"price region '{key.Country}' is not in the scenario (regions: {string.Join(", ", m.RegionIds)})");
            return (new BoundSeries(reg, -1, -1, materials.Take(1).ToArray(), factor) { Key = key }, null);
        }
        int c = m.IndexOfCountry(key.Country);
        if (c < 0) return (null, $"country '{key.Country}' is not in the scenario");
        int p = -1;
        if (key.Partner.Length > 0 && (p = m.IndexOfCountry(key.Partner)) < 0) return (null, $"partner '{key.Partner}' is not in the scenario");
        return (new BoundSeries(-1, c, p, materials, factor) { Key = key }, null);
    }

    /// <summary>The series' value in the state's current month.</summary>
    public double Value(WorldState s)
    {
        var m = s.Model;
        if (_region >= 0) return s.ReportedPrice(_materials[0], _region);
        int M = m.M, C = m.C;
        double sum = 0;
        for (int k = 0; k < _materials.Length; k++)
        {
            int mat = _materials[k];
            double flow = 0;
            if (Key.Metric == "exports")
            {
                if (_partner >= 0) flow = s.Trade[(_country * M + mat) * C + _partner];
                else for (int d = 0; d < C; d++) if (d != _country) flow += s.Trade[(_country * M + mat) * C + d];
            }
            else
            {
                if (_partner >= 0) flow = s.Trade[(_partner * M + mat) * C + _country];
                else for (int o = 0; o < C; o++) if (o != _country) flow += s.Trade[(o * M + mat) * C + _country];
            }
            sum += flow * _factor[k];
        }
        return sum;
    }
}

/// <summary>Records only the calibration's series, one value per month each (allocated once, reused across runs).</summary>
public sealed class TargetRecorder : IRecorder
{
    readonly IReadOnlyList<BoundSeries> _series;
    public double[][] Values { get; }

    public TargetRecorder(IReadOnlyList<BoundSeries> series, int months)
    {
        _series = series;
        Values = series.Select(_ => new double[months]).ToArray();
    }

    public void Begin(Model model) { foreach (var v in Values) Array.Fill(v, double.NaN); }

    public void Record(WorldState state, int month)
    {
        for (int k = 0; k < _series.Count; k++) Values[k][month] = _series[k].Value(state);
    }

    public void End(WorldState state) { }
}
