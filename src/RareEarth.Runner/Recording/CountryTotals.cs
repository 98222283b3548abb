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
    /// <summary>[c] USD the country's buyers paid: tonnes received × their region's price.</summary>
    public double[] Spend = [];
    /// <summary>[c] USD its firms earned on sales less their processing cost (unit cost × activity).</summary>
    public double[] ProducerMargin = [];
    /// <summary>[c] USD of price-floor top-ups and stockpile purchases.</summary>
    public double[] Fiscal = [];
    /// <summary>[c] USD of export revenue.</summary>
    public double[] ExportRevenue = [];

    public Model Model => _model;

    public void Begin(Model model)
    {
        _model = model;
        if (model.C != _C || model.M != _M)
        {
            _C = model.C; _M = model.M;
            Shortage = new double[_C * _M];
            EconomicLoss = new double[_C]; Spend = new double[_C]; ProducerMargin = new double[_C];
            Fiscal = new double[_C]; ExportRevenue = new double[_C];
        }
        Array.Clear(Shortage); Array.Clear(EconomicLoss); Array.Clear(Spend); Array.Clear(ProducerMargin);
        Array.Clear(Fiscal); Array.Clear(ExportRevenue);
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
            int region = m.CountryRegion[c];
            for (int mat = 0; mat < M; mat++) Spend[c] += s.Acquired[c * M + mat] * s.Price[mat * 2 + region] * 1000;
        }
        for (int f = 0; f < m.F; f++)
            ProducerMargin[m.FirmCountry[f]] += s.FirmRevenue[f] - s.Activity[f] * m.FirmUnitCost[f] * 1000;
    }

    public void End(WorldState state) { }
}
