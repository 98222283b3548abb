using RareEarth.Engine;
using RareEarth.Runner.Output;

namespace RareEarth.Runner.Batch;

/// <summary>
/// The batch's lightweight recorder: per month it copies only prices [m, region], demand, shortage and
/// the direct China share [c, m], and four money flows [c] (controls-2025: 14 + 3·77 + 4·11 = 289 doubles,
/// 333 KB for 144 months, allocated once per worker and reused), instead of the ~1.9 MB of a full
/// <see cref="Recording.SeriesRecorder"/>. From these it computes the layout's summary metrics with the
/// same definitions and the same arithmetic (same order of operations) as <see cref="SummaryBuilder"/>,
/// so a batch run's metrics equal, bit for bit, those in summary.json of the same run done alone.
/// </summary>
public sealed class BatchRecorder : IRecorder
{
    readonly BatchLayout _layout;
    int _T = -1, _M, _C;
    Model _model = null!;
    double[] _price = [], _demand = [], _shortage = [], _china = [], _loss = [], _extra = [], _fiscal = [], _exportRev = [];

    public BatchRecorder(BatchLayout layout) => _layout = layout;

    public void Begin(Model model)
    {
        _model = model;
        if (model.Months == _T && model.M == _M && model.C == _C) return; // same shape: reuse (every slot is overwritten)
        _T = model.Months; _M = model.M; _C = model.C;
        int CM = _C * _M;
        _price = new double[_T * _M * 2];
        _demand = new double[_T * CM]; _shortage = new double[_T * CM]; _china = new double[_T * CM];
        _loss = new double[_T * _C]; _extra = new double[_T * _C]; _fiscal = new double[_T * _C]; _exportRev = new double[_T * _C];
    }

    public void Record(WorldState s, int t)
    {
        int CM = _C * _M;
        Array.Copy(s.Price, 0, _price, t * _M * 2, _M * 2);
        Array.Copy(s.Demand, 0, _demand, t * CM, CM);
        Array.Copy(s.Shortage, 0, _shortage, t * CM, CM);
        Array.Copy(s.ChinaShare, 0, _china, t * CM, CM);
        Array.Copy(s.EconomicLoss, 0, _loss, t * _C, _C);
        Array.Copy(s.ExtraCost, 0, _extra, t * _C, _C);
        Array.Copy(s.FiscalCost, 0, _fiscal, t * _C, _C);
        Array.Copy(s.ExportRevenue, 0, _exportRev, t * _C, _C);
    }

    public void End(WorldState state) { }

    double Price(int t, int mat, int reg) => _price[(t * _M + mat) * 2 + reg];
    double At(double[] a, int t, int c, int mat) => a[(t * _C + c) * _M + mat];

    /// <summary>Writes the layout's metrics (NaN where undefined: stored as NULL).</summary>
    public void Metrics(Span<double> into)
    {
        var m = _model;
        int T = _T;
        int shock = m.ShockMonth >= 0 ? m.ShockMonth : 0;
        int b0 = Math.Max(0, shock - 12), b1 = Math.Max(1, shock); // baseline window [b0, b1), as SummaryBuilder
        if (shock == 0) { b0 = 0; b1 = Math.Min(T, 12); }
        var metrics = _layout.Metrics;
        for (int k = 0; k < metrics.Count; k++)
        {
            var d = metrics[k];
            into[k] = d.Kind switch
            {
                MetricKind.PeakPriceMultiple => PeakMultiple(d.Material, d.Region, shock, b0, b1),
                MetricKind.ShortageShare => Shortage(d.Country, d.Material, months: false),
                MetricKind.ShortageMonths => Shortage(d.Country, d.Material, months: true),
                MetricKind.DecouplingMonths50 => Decoupling(d.Country, d.Material, shock, 0.5),
                MetricKind.TotalCost => TotalCost(d.Country, shock),
                MetricKind.LostExportRevenue => LostExportRevenue(d.Country, shock, b0, b1),
                _ => double.NaN,
            };
        }
    }

    /// <summary>Writes the layout's series, one array of months per series; NaN where undefined (NULL in the store's series view).</summary>
    public void Series(double[][] into)
    {
        int T = _T;
        foreach (var s in _layout.Series)
        {
            var row = into[s.Id];
            for (int t = 0; t < T; t++)
            {
                double v = s.Kind switch
                {
                    SeriesKind.Price => Price(t, s.Material, s.Region),
                    SeriesKind.ShortageShare => At(_demand, t, s.Country, s.Material) is var dem && dem > 0 ? At(_shortage, t, s.Country, s.Material) / dem : 0,
                    _ => At(_china, t, s.Country, s.Material),
                };
                row[t] = SeriesValue(v);
            }
        }
    }

    static readonly double[] Pow10 = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };

    /// <summary>
    /// Series values are rounded to <see cref="SeriesDigits"/> significant digits (relative error at most 5e-5) and
    /// stored as the double nearest to that decimal: plenty for fan charts, and DuckDB's ALP compression stores
    /// such values in about 2 bytes instead of 8. Summary metrics are never rounded.
    /// </summary>
    public static double SeriesValue(double v)
    {
        if (v == 0 || !double.IsFinite(v)) return v;
        int k = SeriesDigits - 1 - (int)Math.Floor(Math.Log10(Math.Abs(v))); // decimal places to keep
        if (k > 22 || k < -22) return v;
        // integer / 10^k and integer * 10^k are correctly rounded: the result is the double nearest to the decimal
        return k >= 0 ? Math.Round(v * Pow10[k]) / Pow10[k] : Math.Round(v / Pow10[-k]) * Pow10[-k];
    }

    public const int SeriesDigits = 4;

    // ---- the definitions of SummaryBuilder, same arithmetic ----

    double PeakMultiple(int mat, int reg, int shock, int b0, int b1)
    {
        double baseline = 0;
        for (int t = b0; t < b1; t++) baseline += Price(t, mat, reg);
        baseline /= (b1 - b0);
        double peak = 0;
        for (int t = shock; t < _T; t++)
        {
            double p = Price(t, mat, reg);
            if (p > peak) peak = p;
        }
        return peak / baseline;
    }

    double Shortage(int c, int mat, bool months)
    {
        double sh = 0, dem = 0; int n = 0;
        for (int t = 0; t < _T; t++)
        {
            double s = At(_shortage, t, c, mat), d = At(_demand, t, c, mat);
            sh += s; dem += d;
            double share = d > 0 ? s / d : 0;
            if (share > SummaryBuilder.ShortageMonthThreshold) n++;
        }
        if (dem <= 0) return double.NaN;
        return months ? n : sh / dem;
    }

    double Decoupling(int c, int mat, int shock, double threshold)
    {
        bool relevant = false;
        for (int t = 0; t < _T && !relevant; t++) relevant = !double.IsNaN(At(_china, t, c, mat));
        if (!relevant) return double.NaN;
        int run = 0;
        for (int t = shock; t < _T; t++)
        {
            double v = Share(t, c, mat);
            run = !double.IsNaN(v) && v < threshold ? run + 1 : 0;
            if (run >= SummaryBuilder.DecouplingSustainMonths) return t - SummaryBuilder.DecouplingSustainMonths + 1 - shock;
        }
        return double.NaN;
    }

    double Share(int t, int c, int mat)
    {
        for (; t >= 0; t--) { double v = At(_china, t, c, mat); if (!double.IsNaN(v)) return v; }
        return double.NaN;
    }

    double TotalCost(int c, int shock)
    {
        double loss = 0, extra = 0, fiscal = 0;
        for (int t = shock; t < _T; t++) { loss += _loss[t * _C + c]; extra += _extra[t * _C + c]; fiscal += _fiscal[t * _C + c]; }
        return loss + Math.Max(0, extra) + fiscal;
    }

    double LostExportRevenue(int cn, int shock, int b0, int b1)
    {
        double baseRev = 0;
        for (int t = b0; t < b1; t++) baseRev += _exportRev[t * _C + cn];
        baseRev /= (b1 - b0);
        double after = 0;
        for (int t = shock; t < _T; t++) after += _exportRev[t * _C + cn];
        double atBase = baseRev * (_T - shock);
        return atBase - after;
    }
}
