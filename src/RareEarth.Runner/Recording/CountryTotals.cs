using RareEarth.Engine;

namespace RareEarth.Runner.Recording;

/// <summary>
/// A run's totals per country over the horizon, kept month by month without a time dimension: what a run is
/// compared on against its counterfactual (<see cref="Output.CounterfactualBuilder"/>). Used by both the full
/// <see cref="SeriesRecorder"/> and the batch's recorder, so a batch run's counterfactual metrics equal, bit for
/// bit, those in summary.json of the same run done alone. Allocates only when the model's shape changes.
/// </summary>
public sealed class CountryTotals : IRecorder
{
    Model _model = null!;
    int _C = -1, _M = -1;
    /// <summary>[c, m] unmet need of sectors and firms' inputs, t.</summary>
    public double[] Shortage = [];
    /// <summary>[c] USD: shortage × each sector's loss per tonne.</summary>
    public double[] EconomicLoss = [];
    /// <summary>[c] USD the country's buyers paid: tonnes received × the price in its market.</summary>
    public double[] Spend = [];
    /// <summary>[c] USD its firms earned on sales less their processing cost (unit cost × activity).</summary>
    public double[] ProducerMargin = [];
    /// <summary>[c] USD of price-floor top-ups and stockpile purchases.</summary>
    public double[] Fiscal = [];
    /// <summary>[c] USD of export revenue.</summary>
    public double[] ExportRevenue = [];
    /// <summary>[origin, m, destination] t imported over the horizon (the layout of <see cref="WorldState.Trade"/>).</summary>
    public double[] Imports = [];
    /// <summary>[c, m] USD paid above the outside-China price while the country's market was split off.</summary>
    public double[] ImportPremium = [];
    /// <summary>[c, m] months the country's market had a price of its own.</summary>
    public int[] OwnMarketMonths = [];

    /// <summary>Monthly flows of each material outside the restricting region (the resilience indicators' input).</summary>
    public ResilienceSeries Resilience { get; } = new();

    public Model Model => _model;

    public void Begin(Model model)
    {
        _model = model;
        Resilience.Begin(model);
        if (model.C != _C || model.M != _M)
        {
            _C = model.C; _M = model.M;
            Shortage = new double[_C * _M];
            EconomicLoss = new double[_C]; Spend = new double[_C]; ProducerMargin = new double[_C];
            Fiscal = new double[_C]; ExportRevenue = new double[_C];
            Imports = new double[_C * _M * _C]; ImportPremium = new double[_C * _M]; OwnMarketMonths = new int[_C * _M];
        }
        Array.Clear(Shortage); Array.Clear(EconomicLoss); Array.Clear(Spend); Array.Clear(ProducerMargin);
        Array.Clear(Fiscal); Array.Clear(ExportRevenue);
        Array.Clear(Imports); Array.Clear(ImportPremium); Array.Clear(OwnMarketMonths);
    }

    public void Record(WorldState s, int t)
    {
        var m = _model;
        int M = _M;
        for (int k = 0; k < Shortage.Length; k++) Shortage[k] += s.Shortage[k];
        for (int c = 0; c < _C; c++)
        {
            EconomicLoss[c] += s.EconomicLoss[c];
            Fiscal[c] += s.FiscalCost[c];
            ExportRevenue[c] += s.ExportRevenue[c];
            for (int mat = 0; mat < M; mat++) Spend[c] += s.Acquired[c * M + mat] * s.CountryPrice[mat * _C + c] * 1000;
        }
        for (int k = 0; k < ImportPremium.Length; k++) ImportPremium[k] += s.ImportPremium[k];
        for (int d = 0; d < _C; d++)
            for (int mat = 0; mat < M; mat++)
                if (m.CountryRegion[d] != 0 && s.CountryPrice[mat * _C + d] > 1.005 * s.Price[mat * 2 + 1]) OwnMarketMonths[d * M + mat]++;
        var trade = s.Trade;
        for (int k = 0; k < Imports.Length; k++) Imports[k] += trade[k];
        for (int f = 0; f < m.F; f++)
            ProducerMargin[m.FirmCountry[f]] += s.FirmRevenue[f] - s.Activity[f] * m.FirmUnitCost[f] * 1000;
        Resilience.Record(s, t);
    }

    public void End(WorldState state) { }
}
