using RareEarth.Engine;
using RareEarth.Runner.Output;

namespace RareEarth.Runner.Recording;

/// <summary>
/// Keeps every month's values of one run in preallocated flat arrays ([month, ...] row-major),
/// so recording allocates nothing after <see cref="Begin"/>. What a single <c>run</c> writes out.
/// </summary>
public sealed class SeriesRecorder : IRecorder
{
    public Model Model { get; private set; } = null!;
    public int Months { get; private set; }
    int _M, _C, _S, _F;

    public double[] Price = Array.Empty<double>();        // [t, m, region] region 1: the reported outside price (WorldState.OutsidePrice)
    public double[] PoolPrice = Array.Empty<double>();    // [t, m] the pooled region-1 market's own price (split-off markets not in it)
    public double[] CountryPrice = Array.Empty<double>(); // [t, m, c] price in each country's market
    public double[] Production = Array.Empty<double>();   // [t, c, m]
    public double[] Recycled = Array.Empty<double>();
    public double[] Demand = Array.Empty<double>();
    public double[] Consumption = Array.Empty<double>();  // end use + firm input use
    public double[] Shortage = Array.Empty<double>();
    public double[] Losses = Array.Empty<double>();
    public double[] Trade = Array.Empty<double>();        // [t, origin, m, dest]
    public double[] Inventory = Array.Empty<double>();    // [t, c, m] firms' + sectors' stocks
    public double[] Stockpile = Array.Empty<double>();    // [t, c, m]
    public double[] StockpileRelease = Array.Empty<double>();
    public double[] ChinaShare = Array.Empty<double>();   // [t, c, m]
    public double[] ChinaShareEmbedded = Array.Empty<double>();
    public double[] Capacity = Array.Empty<double>();     // [t, f]
    public double[] Activity = Array.Empty<double>();     // [t, f]
    public double[] Mothballed = Array.Empty<double>();   // [t, f] capacity mothballed, t/yr of activity
    public double[] Exited = Array.Empty<double>();       // [t, f] 1 once the firm has failed
    public double[] Held = Array.Empty<double>();         // [t, f] a speculative stockholder's stock of its material, t
    public double[] SectorShortage = Array.Empty<double>(); // [t, s]
    public double[] SectorNeed = Array.Empty<double>();
    public double[] SectorConsumed = Array.Empty<double>();
    public double[] SectorStock = Array.Empty<double>();
    public double[] EconomicLoss = Array.Empty<double>(); // [t, c] USD
    public double[] ExtraCost = Array.Empty<double>();
    public double[] ExportRevenue = Array.Empty<double>();
    public double[] FiscalCost = Array.Empty<double>();
    public double[] Risk = Array.Empty<double>();
    public double[] FirmRevenue = Array.Empty<double>();  // [t, f]
    public double[] Scrap = Array.Empty<double>();        // [t, c] magnet scrap waiting for recyclers, t
    /// <summary>Per-country totals over the horizon (what a run is compared on against its counterfactual).</summary>
    public CountryTotals Totals { get; } = new();

    public void Begin(Model model)
    {
        Totals.Begin(model);
        if (ReferenceEquals(model, Model)) return; // reuse buffers across runs of the same model
        Model = model; Months = model.Months;
        _M = model.M; _C = model.C; _S = model.S; _F = model.F;
        int T = Months, CM = _C * _M;
        Price = new double[T * _M * 2];
        PoolPrice = new double[T * _M];
        CountryPrice = new double[T * CM];
        Production = new double[T * CM]; Recycled = new double[T * CM]; Demand = new double[T * CM];
        Consumption = new double[T * CM]; Shortage = new double[T * CM]; Losses = new double[T * CM];
        Trade = new double[T * CM * _C]; Inventory = new double[T * CM]; Stockpile = new double[T * CM];
        StockpileRelease = new double[T * CM]; ChinaShare = new double[T * CM]; ChinaShareEmbedded = new double[T * CM];
        Capacity = new double[T * _F]; Activity = new double[T * _F]; FirmRevenue = new double[T * _F];
        Mothballed = new double[T * _F]; Exited = new double[T * _F]; Held = new double[T * _F];
        SectorShortage = new double[T * _S]; SectorNeed = new double[T * _S]; SectorConsumed = new double[T * _S]; SectorStock = new double[T * _S];
        EconomicLoss = new double[T * _C]; ExtraCost = new double[T * _C]; ExportRevenue = new double[T * _C];
        FiscalCost = new double[T * _C]; Risk = new double[T * _C]; Scrap = new double[T * _C];
    }

    public void Record(WorldState s, int t)
    {
        int CM = _C * _M;
        for (int mat = 0; mat < _M; mat++)
        {
            PoolPrice[t * _M + mat] = s.Price[mat * 2 + 1];
            for (int reg = 0; reg < 2; reg++) Price[(t * _M + mat) * 2 + reg] = s.ReportedPrice(mat, reg);
        }
        Array.Copy(s.CountryPrice, 0, CountryPrice, t * CM, CM);
        Array.Copy(s.Production, 0, Production, t * CM, CM);
        Array.Copy(s.Recycled, 0, Recycled, t * CM, CM);
        Array.Copy(s.Demand, 0, Demand, t * CM, CM);
        Array.Copy(s.Shortage, 0, Shortage, t * CM, CM);
        Array.Copy(s.Losses, 0, Losses, t * CM, CM);
        Array.Copy(s.Trade, 0, Trade, t * CM * _C, CM * _C);
        Array.Copy(s.Stockpile, 0, Stockpile, t * CM, CM);
        Array.Copy(s.StockpileRelease, 0, StockpileRelease, t * CM, CM);
        Array.Copy(s.ChinaShare, 0, ChinaShare, t * CM, CM);
        Array.Copy(s.ChinaShareEmbedded, 0, ChinaShareEmbedded, t * CM, CM);
        Array.Copy(s.Capacity, 0, Capacity, t * _F, _F);
        Array.Copy(s.Activity, 0, Activity, t * _F, _F);
        Array.Copy(s.Mothballed, 0, Mothballed, t * _F, _F);
        for (int f = 0; f < _F; f++)
        {
            Exited[t * _F + f] = s.Exited[f] ? 1 : 0;
            Held[t * _F + f] = RareEarth.Engine.Phases.ProductionPhase.IsStockholder(Model, f) ? s.Inventory[f * _M + Model.FirmHeldMaterial[f]] : 0;
        }
        Array.Copy(s.FirmRevenue, 0, FirmRevenue, t * _F, _F);
        Array.Copy(s.SectorShortage, 0, SectorShortage, t * _S, _S);
        Array.Copy(s.SectorNeed, 0, SectorNeed, t * _S, _S);
        Array.Copy(s.SectorConsumed, 0, SectorConsumed, t * _S, _S);
        Array.Copy(s.SectorStock, 0, SectorStock, t * _S, _S);
        Array.Copy(s.EconomicLoss, 0, EconomicLoss, t * _C, _C);
        Array.Copy(s.ExtraCost, 0, ExtraCost, t * _C, _C);
        Array.Copy(s.ExportRevenue, 0, ExportRevenue, t * _C, _C);
        Array.Copy(s.FiscalCost, 0, FiscalCost, t * _C, _C);
        Array.Copy(s.Risk, 0, Risk, t * _C, _C);
        Array.Copy(s.Scrap, 0, Scrap, t * _C, _C);
        Totals.Record(s, t);
        for (int k = 0; k < CM; k++) Consumption[t * CM + k] = s.Consumption[k] + s.InputUse[k];
        StockSnapshot(s, Inventory.AsSpan(t * CM, CM));
    }

    /// <summary>Firms' inventories plus sectors' stocks, by country and material (strategic stockpiles apart).</summary>
    public static void StockSnapshot(WorldState s, Span<double> into)
    {
        var m = s.Model;
        into.Clear();
        for (int f = 0; f < m.F; f++)
        {
            int c = m.FirmCountry[f];
            for (int mat = 0; mat < m.M; mat++) into[c * m.M + mat] += s.Inventory[f * m.M + mat];
        }
        for (int sec = 0; sec < m.S; sec++) into[m.SectorCountry[sec] * m.M + m.SectorMaterial[sec]] += s.SectorStock[sec];
    }

    public void End(WorldState state) { }

    // ---- convenient accessors ----
    /// <summary>Stock a speculative stockholder held at month t, t.</summary>
    public double FirmStock(int t, int f) => Held[t * _F + f];

    public double PriceAt(int t, int mat, int region) => Price[(t * _M + mat) * 2 + region];
    /// <summary>The pooled region-1 market's price at month t (what countries whose market did not split off pay).</summary>
    public double PoolPriceAt(int t, int mat) => PoolPrice[t * _M + mat];
    public double At(double[] a, int t, int c, int mat) => a[(t * _C + c) * _M + mat];
    /// <summary>A [t, c, m] array's months for one country and material.</summary>
    public MonthSeries Of(double[] a, int c, int mat) => new(a, c * _M + mat, _C * _M, Months);
    /// <summary>A [t, c] array's months for one country.</summary>
    public MonthSeries OfCountry(double[] a, int c) => new(a, c, _C, Months);
    public MonthSeries PriceSeries(int mat, int region) => new(Price, mat * 2 + region, _M * 2, Months);
    /// <summary>The price in country c's market (its region's price unless its market split off).</summary>
    public MonthSeries CountryPriceSeries(int mat, int c) => new(CountryPrice, mat * _C + c, _C * _M, Months);
    /// <summary>True when country c's market had a price of its own (not its region's) in some month.</summary>
    public bool HadOwnMarket(int mat, int c)
    {
        if (Model.CountryRegion[c] == 0) return false;
        for (int t = 0; t < Months; t++) if (CountryPrice[(t * _M + mat) * _C + c] != PoolPrice[t * _M + mat]) return true;
        return false;
    }
    public double TradeAt(int t, int origin, int mat, int dest) => Trade[((t * _C + origin) * _M + mat) * _C + dest];
    public double Imports(int t, int c, int mat)
    {
        double sum = 0;
        for (int o = 0; o < _C; o++) if (o != c) sum += TradeAt(t, o, mat, c);
        return sum;
    }
    public double Exports(int t, int c, int mat)
    {
        double sum = 0;
        for (int d = 0; d < _C; d++) if (d != c) sum += TradeAt(t, c, mat, d);
        return sum;
    }
}
