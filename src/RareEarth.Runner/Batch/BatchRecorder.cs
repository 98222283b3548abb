using RareEarth.Engine;
using RareEarth.Runner.Output;
using RareEarth.Runner.Recording;

namespace RareEarth.Runner.Batch;

/// <summary>
/// The batch's lightweight recorder: per month it copies only prices [m, region], demand, shortage and
/// the direct China share and purchases [c, m], and four money flows [c] (controls-2025: 14 + 4·77 + 4·11 = 366 doubles,
/// 422 KB for 144 months, allocated once per worker and reused), instead of the ~1.9 MB of a full
/// <see cref="Recording.SeriesRecorder"/>. From these it computes the layout's summary metrics with the
/// same definitions and the same arithmetic (same order of operations) as <see cref="SummaryBuilder"/>,
/// so a batch run's metrics equal, bit for bit, those in summary.json of the same run done alone.
/// </summary>
public sealed class BatchRecorder : IRecorder
{
    readonly BatchLayout _layout;
    int _T = -1, _M, _C;
    Model _model = null!;
    double[] _price = [], _countryPrice = [], _demand = [], _shortage = [], _china = [], _bought = [], _loss = [], _extra = [], _fiscal = [], _exportRev = [];

    public BatchRecorder(BatchLayout layout) => _layout = layout;

    /// <summary>The run's per-country totals (compared with its counterfactual run's).</summary>
    public CountryTotals Totals { get; } = new();

    public void Begin(Model model)
    {
        _model = model;
        Totals.Begin(model);
        if (model.Months == _T && model.M == _M && model.C == _C) return; // same shape: reuse (every slot is overwritten)
        _T = model.Months; _M = model.M; _C = model.C;
        int CM = _C * _M;
        _price = new double[_T * _M * 2];
        _countryPrice = new double[_T * CM];
        _demand = new double[_T * CM]; _shortage = new double[_T * CM]; _china = new double[_T * CM]; _bought = new double[_T * CM];
        _loss = new double[_T * _C]; _extra = new double[_T * _C]; _fiscal = new double[_T * _C]; _exportRev = new double[_T * _C];
    }

    public void Record(WorldState s, int t)
    {
        int CM = _C * _M;
        for (int mat = 0; mat < _M; mat++)
            for (int reg = 0; reg < 2; reg++) _price[(t * _M + mat) * 2 + reg] = s.ReportedPrice(mat, reg);
        Array.Copy(s.CountryPrice, 0, _countryPrice, t * CM, CM);
        Array.Copy(s.Demand, 0, _demand, t * CM, CM);
        Array.Copy(s.Shortage, 0, _shortage, t * CM, CM);
        Array.Copy(s.ChinaShare, 0, _china, t * CM, CM);
        // what each country bought this month, all origins (its own included): the china_share series shows only such months
        for (int c = 0; c < _C; c++)
            for (int mat = 0; mat < _M; mat++)
            {
                double bought = 0;
                for (int o = 0; o < _C; o++) bought += s.Trade[(o * _M + mat) * _C + c];
                _bought[t * CM + c * _M + mat] = bought;
            }
        Array.Copy(s.EconomicLoss, 0, _loss, t * _C, _C);
        Array.Copy(s.ExtraCost, 0, _extra, t * _C, _C);
        Array.Copy(s.FiscalCost, 0, _fiscal, t * _C, _C);
        Array.Copy(s.ExportRevenue, 0, _exportRev, t * _C, _C);
        Totals.Record(s, t);
    }

    public void End(WorldState state) { }

    double Price(int t, int mat, int reg) => _price[(t * _M + mat) * 2 + reg];
    double At(double[] a, int t, int c, int mat) => a[(t * _C + c) * _M + mat];
    MonthSeries Of(double[] a, int c, int mat) => new(a, c * _M + mat, _C * _M, _T);
    MonthSeries OfCountry(double[] a, int c) => new(a, c, _C, _T);

    /// <summary>Writes the layout's metrics (NaN where undefined: stored as NULL), by the definitions of <see cref="MetricMath"/>.</summary>
    /// <param name="counterfactual">The totals of the same run without the confrontation (null: those metrics are NaN).</param>
    public void Metrics(Span<double> into, CountryTotals? counterfactual = null)
    {
        var cf = counterfactual;
        var w = BaselineWindow.Of(_model);
        var metrics = _layout.Metrics;
        var disruptions = cf is null ? null : new Disruption?[_M];
        if (cf is not null)
            foreach (int mat in _layout.FocusMaterials)
                disruptions![mat] = ResilienceBuilder.Main(ResilienceBuilder.Of(Totals.Resilience, cf.Resilience, mat), _model.MaterialIds[mat]);
        for (int k = 0; k < metrics.Count; k++)
        {
            var d = metrics[k];
            into[k] = d.Kind switch
            {
                MetricKind.PeakPriceMultiple => PeakMultiple(new MonthSeries(_price, d.Material * 2 + d.Region, _M * 2, _T), w),
                MetricKind.PeakMarketPriceMultiple => PeakMultiple(new MonthSeries(_countryPrice, d.Material * _C + d.Country, _C * _M, _T), w),
                MetricKind.ShortageShare => Shortage(d) is { Demand: > 0 } st ? st.Share : double.NaN,
                MetricKind.ShortageMonths => Shortage(d) is { Demand: > 0 } st ? st.MonthsInShortage : double.NaN,
                MetricKind.DecouplingMonths50 => Decoupling(Of(_china, d.Country, d.Material), w.Shock, 0.5),
                MetricKind.TotalCost => MetricMath.Cost(OfCountry(_loss, d.Country), OfCountry(_extra, d.Country), OfCountry(_fiscal, d.Country), w.Shock).Total,
                MetricKind.LostExportRevenue => MetricMath.LostRevenue(OfCountry(_exportRev, d.Country), w).Lost,
                MetricKind.NetCostVsCounterfactual => cf is null ? double.NaN : CounterfactualBuilder.NetCost(Totals, cf, d.Country),
                MetricKind.ShortageVsCounterfactual => cf is null ? double.NaN : CounterfactualBuilder.ExtraShortage(Totals, cf, d.Country),
                MetricKind.LostExportRevenueVsCounterfactual => cf is null ? double.NaN : cf.ExportRevenue[d.Country] - Totals.ExportRevenue[d.Country],
                MetricKind.ResilienceSize => disruptions is null ? double.NaN : disruptions[d.Material]?.PeakSupplyLossShare ?? 0,
                MetricKind.ResilienceRecoveryMonths => disruptions is null ? double.NaN : ResilienceBuilder.RecoveryMetric(disruptions[d.Material]),
                MetricKind.ResilienceShare => disruptions?[d.Material]?.Shares?[d.Mechanism] ?? double.NaN,
                _ => double.NaN,
            };
        }
    }

    ShortageStats Shortage(MetricDef d) => MetricMath.Shortage(Of(_shortage, d.Country, d.Material), Of(_demand, d.Country, d.Material));

    static double PeakMultiple(MonthSeries price, BaselineWindow w) => MetricMath.Peak(price, w.Shock).Peak / MetricMath.Mean(price, w.From, w.To);

    static double Decoupling(MonthSeries share, int shock, double threshold) =>
        MetricMath.AnyDefined(share) && MetricMath.FirstSustainedBelow(share, shock, threshold) is int t ? t - shock : double.NaN;

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
                    _ => MetricMath.ShownShare(At(_china, t, s.Country, s.Material), At(_bought, t, s.Country, s.Material), At(_demand, t, s.Country, s.Material)),
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
}
