namespace RareEarth.Engine;

/// <summary>
/// Everything that changes during a run, as flat arrays (struct-of-arrays). Allocated once per
/// worker and reset for every run, so a month step allocates nothing.
/// Multi-dimensional data is row-major: [a, b] is stored at a * B + b.
/// </summary>
public sealed class WorldState
{
    public Model Model { get; private set; }
    public int Month;
    /// <summary>
    /// The counterfactual world: the same model and seed without the confrontation, i.e. events and price floors not
    /// marked <c>counterfactual: keep</c> are skipped. Set before a run; kept by <see cref="Reset(int)"/>.
    /// </summary>
    public bool Counterfactual;

    // ---- rules in force ----
    public readonly RegimeKind[] Regime;      // [country, material, destination]
    public readonly double[] Approval;        // [c, m, d] mean approval rate
    public readonly int[] Delay;              // [c, m, d] months
    public readonly double[] ApprovedDraw;    // [c, m, d] this month's drawn approval share
    public readonly int[] RegimeSince;        // [c, m, d] month the current regime started
    public readonly double[] Duty;            // [c, m]
    public readonly double[] Quota;           // [c] t REO / yr
    public readonly bool[] QuotaCovers;       // [c, m]
    public readonly double[] QuotaUsed;       // [c] t REO this calendar year
    public readonly double[] EmbeddedShare;   // [c]
    public readonly double[] ProductionQuota; // [c, process]
    public readonly double[] ProductionUsed;  // [c, process] activity this calendar year
    public readonly double[] CapexSubsidy;    // [c, process] share
    public readonly bool[] OfftakeBroken;     // [offtake]
    /// <summary>Export allowance to each destination this month, t [m, d]; +inf = unrestricted. Only for region-0 exporters.</summary>
    public readonly double[] Allowance;

    // ---- prices and expectations [m, region] ----
    public readonly double[] Price;
    public readonly double[] PrevPrice;
    public readonly double[] Expected;
    public readonly double[] ExpectedLong;
    public readonly double[] BasePrice;       // pre-shock average, recorded at the shock
    /// <summary>[m, c] this month's price in each country's market: its region's price, or its own when the country's
    /// imports were capped by the controlling exporter's rules and its supplier ties (the market split off).</summary>
    public readonly double[] CountryPrice;
    /// <summary>[m] the outside-China price as reported: the mean of the region-1 countries' market prices weighted by
    /// their sectors' and firms' need this month (the pooled price while no market split off). Reporting only: no
    /// agent reads it.</summary>
    public readonly double[] OutsidePrice;
    /// <summary>The price a recorder reports for a material and region: region 1's is <see cref="OutsidePrice"/>.</summary>
    public double ReportedPrice(int mat, int region) => region == 1 ? OutsidePrice[mat] : Price[mat * 2 + region];
    /// <summary>Region-0 countries whose rule on foreign goods embedding their content is in force this month (set by RulesPhase).</summary>
    public readonly int[] RuleCountries;
    public int RuleCountryCount;
    /// <summary>Willingness to pay's last ln(p / reference) and the price and reference it was computed for (a cache).</summary>
    internal double WtpPrice = double.NaN, WtpReference = double.NaN, WtpLogX;
    internal double WtpPrice2 = double.NaN, WtpReference2 = double.NaN, WtpLogX2; // a second slot: the two regions' prices alternate
    /// <summary>[m, c] short- and long-run expectations of the price in each country's market (its firms' decisions
    /// and its sectors' substitution read these; equal to the region's while its market never split off).</summary>
    public readonly double[] ExpectedCountry, ExpectedLongCountry;

    // ---- supplier ties [c, m], t/month ----
    /// <summary>Average imports from suppliers outside the controlling region (NaN until the first month is seen).</summary>
    public readonly double[] SupplierTies;
    /// <summary>Imports from new suppliers qualified on top of the ties (grows while the country is cut off).</summary>
    public readonly double[] Qualified;
    /// <summary>[c, m] true when the country's market was split off last month (it stays split until its need falls clearly below its cap).</summary>
    public readonly bool[] WasSplit;

    // ---- countries ----
    public readonly double[] Risk;            // [c]
    public readonly double[] Stockpile;       // [c, m]
    public readonly double[] StockpileTarget; // [c, m]
    public readonly double[] StockpileFill;   // [c, m] t/month
    public readonly double[] DesiredHistory;  // [c, m, 12] ring buffer of desired purchases (licence applications)
    public readonly double[] ExportRevenue;   // [c] USD this month (controlled + all)
    public readonly double[] ExportRevenueBase; // [c] pre-control monthly average
    public readonly double[] FiscalCost;      // [c] USD this month (price floors, subsidies, stockpile purchases)

    // ---- firms ----
    public readonly double[] Capacity;        // [f] activity t/yr
    public readonly double[] Pipeline;        // [f, horizon] capacity added at month (absolute index)
    public readonly double[] Inventory;       // [f, m]
    public readonly double[] InventoryCn;     // [f, m] share of content processed in region 0 (embedded origin)
    public readonly double[] Activity;        // [f] this month
    public readonly double[] RndStock;        // [f]
    public readonly double[] RndEffective;    // [f] after requalification lag
    public readonly double[] Thrift;          // [f] current share cut of thriftable inputs
    public readonly double[] Grade;           // [f, m] loading of a thriftable input against the recipe, chosen from expected prices (1 at reference)
    public readonly double[] FirmRevenue;     // [f] this month
    public readonly double[] Cash;            // [f] USD earned (+) or lost (-) since the start, at cash cost; the firm fails below its credit
    public readonly double[] Mothballed;      // [f] capacity (activity t/yr) mothballed, restartable
    public readonly int[] LossMonths;         // [f] months in a row below cash cost
    public readonly int[] GoodMonths;         // [f] months in a row with a long-run cash margin above the restart level
    public readonly bool[] Exited;            // [f] failed: capacity retired for good
    public readonly int[] MothballCount;      // [f] mothball decisions taken so far
    public readonly double[] Enforcement;     // [f] enforcement level against unreported output (0..1)
    public readonly double[] Scrap;           // [c] t of magnet scrap (swarf, collected end-of-life) waiting for recyclers
    internal readonly double[] SoldHistory;   // [s, lifetime ring] t of magnets each sector put into use, by month
    internal readonly int LifetimeRing;       // months kept per sector: the longest lifetime + 1

    // ---- sectors ----
    public readonly double[] SectorStock;     // [s]
    public readonly double[] SectorStockCn;   // [s] embedded region-0 share of stock
    public readonly double[] SectorNeed;      // [s] this month, t
    public readonly double[] SectorConsumed;  // [s]
    public readonly double[] SectorShortage;  // [s]
    /// <summary>Months in a row each sector has been short (more than 1% of its need unmet), this month included.</summary>
    public readonly double[] SectorShortMonths;  // [s]
    public readonly double[] SubstStock;      // [s]
    public readonly double[] SubstEffective;  // [s]
    public readonly double[] SubstShare;      // [s]

    // ---- this month's flows (reset each month) ----
    public readonly double[] Production;      // [c, m] primary output
    public readonly double[] Recycled;        // [c, m]
    public readonly double[] InputUse;        // [c, m] consumed by firms as inputs
    public readonly double[] Consumption;     // [c, m] by end-use sectors
    public readonly double[] Demand;          // [c, m] end-use need
    public readonly double[] Shortage;        // [c, m]
    public readonly double[] Losses;          // [c, m] discarded surplus co-product
    public readonly double[] Trade;           // [origin c, m, destination c] t
    public readonly double[] Acquired;        // [c, m] acquired by the country's buyers (all origins)
    public readonly double[] AcquiredFromCn;  // [c, m] of which from region-0 sellers (direct)
    public readonly double[] AcquiredCnEmbedded; // [c, m] region-0 content embedded in what was acquired
    public readonly double[] ChinaShare;      // [c, m] last known direct share
    public readonly double[] ChinaShareEmbedded; // [c, m] last known embedded share
    public readonly double[] StockpileRelease; // [c, m]
    public readonly double[] StockpileBuy;    // [c, m]
    public readonly double[] EconomicLoss;    // [c] USD this month (shortage x value at risk)
    public readonly double[] ExtraCost;       // [c] USD this month paid above base prices
    public readonly double[] ImportPremium;   // [c, m] USD this month paid above the outside price by a split-off market

    // ---- scratch for market clearing (sized once) ----
    internal readonly double[] BuyerNeed;       // per buyer slot
    internal readonly double[] BuyerStock;
    internal readonly double[] BuyerCover;
    internal readonly double[] BuyerChoke;
    internal readonly double[] BuyerChokeRef;
    /// <summary>Willingness to pay per buyer slot (<see cref="Phases.WillingnessToPay"/>): cost share and product elasticity.</summary>
    internal readonly double[] BuyerCostShare, BuyerProductElasticity;
    /// <summary>Per buyer slot: the most it pays per kg, the value its use of a kg creates (USD/kg; +inf: no such bound).</summary>
    internal readonly double[] BuyerReservation;
    internal readonly double[] BuyerElasticity;
    /// <summary>Buyers of a material that share a price elasticity share one class, so (p/p̂)^(−ε) is computed once per class and price.</summary>
    internal readonly int[] BuyerClass;
    internal readonly double[] ClassElasticity;
    /// <summary>[class, region]: (p/p̂)^(−ε) at the region's price being evaluated.</summary>
    internal readonly double[] ClassFactor;
    internal int ClassCount;
    internal readonly double[] BuyerBought;
    internal readonly int[] BuyerCountry;
    internal readonly int[] BuyerKind;          // 0 sector, 1 firm input, 2 stockpile
    internal readonly int[] BuyerIndex;
    internal readonly double[] SellerAvail;
    internal readonly double[] SellerAsk;
    internal readonly double[] SellerFactor;    // share of offer allowed to cross borders inside region 1
    internal readonly double[] SellerSold;
    internal readonly double[] SellerOfferAt;      // [seller] its offer at the price being settled (computed once, read many times)
    internal readonly int[] SellerFirm;
    internal readonly double[] CountryDemandScratch; // [c]
    internal readonly double[] CrossShareScratch;    // [above, c] a region-1 country's sellers' cross-border share this material, for stocks
                                                     // at or below / above the embedded-content rule's threshold (NaN: not yet computed)
    internal readonly double[] CountryFromCn;        // [c]
    internal int BuyerCount, SellerCount;

    internal Rng Rng;
    internal int NextEvent;
    internal readonly double[] ApprovalNoise;   // [c, m] this month's multiplicative approval noise
    internal readonly double[] QuotaPlan;       // [m] t REO of this month's export quota planned for each material
    internal readonly double[] QuotaGridDemand; // [m, g] t REO region 1 would import at each rent of the quota grid (scratch)
    internal readonly double[] QuotaShadow;     // [c] the export quota's common rent (shadow price) last month, USD/kg REO; 0 if slack
    internal readonly double[] QuotaMonth;      // [c] t REO still allowed this month
    public readonly double[] Planned;           // [f] activity planned before inputs limited it
    public readonly double[] Margin;            // [f] this month's expected margin ratio (short-run prices)
    public readonly double[] Utilisation;       // [f] utilisation chosen from that margin
    public readonly double[] StockpileCn;       // [c, m] region-0 content share of the stockpile
    public readonly double[] LastShortageShare; // [c, m] last month's shortage / demand
    internal readonly double[] BuyerOfftake;    // per buyer slot: received outside the auction this month
    internal readonly double[] BuyerBidAt;      // per buyer slot: its bid at the price its market was last evaluated at
    internal readonly int[] SellerRegion;
    internal readonly int[] BuyerRegion;
    internal readonly double[] SellerInner;     // share a region-1 seller may send to region 0
    internal readonly double[] RegionCountrySold; // [region, c]
    internal readonly double[] CountryRecv;     // [source region, c]
    internal readonly int[] BuyerMarket;        // per buyer slot: 0 region 0, 1 region 1's pooled market, 2 its country's own market
    internal readonly int[] SellerMarket;
    internal readonly bool[] SplitOff;          // [c] this material's market split off from region 1
    internal readonly double[] SplitAllowance;  // [c] region-0 allowance of a split-off country, t
    internal readonly double[] SplitTieLimit;   // [c] its ties plus headroom plus qualified suppliers, t
    internal readonly double[] ForeignOrigin;   // [c] origins of the goods held back from the pool that the split-off market being cleared bought
    internal readonly double[] SplitTies;       // [c] what it may take from region-1 suppliers at the price being evaluated (clean goods only)
    internal readonly double[] SellerClean;     // [seller, c] share of a seller's offer allowed into split-off country c
    internal readonly double[] SplitInflow;     // [c] imports delivered into its own market, t
    internal readonly double[] SplitCnIn;       // [c] region-0 content share of those imports
    internal readonly double[] SplitUnmet;      // [c] need beyond the cap when the market split off, t
    internal readonly double[] SplitScratch;    // [c] capped net bids of split-off countries at the price being evaluated
    internal readonly double[] SplitOrigin;     // [split-off c, origin c] t of region-1 goods it imports from each origin
    internal readonly double[] HomeTake;        // [c] region-1 goods a pool country takes from its own sellers this month
    internal readonly double[] PoolLeft;        // [origin c] region-1 goods sold this month not taken by split-off countries
    internal readonly int[] OriginsScratch;     // [2, C] the origins with goods to book (region 0's sellers, the pool's), ascending
    internal bool AnySplit;

    public WorldState(Model model, int seed)
    {
        Model = model;
        int M = model.M, C = model.C, F = model.F, S = model.S, P = model.P;
        Regime = new RegimeKind[C * M * C]; Approval = new double[C * M * C]; Delay = new int[C * M * C];
        ApprovedDraw = new double[C * M * C]; RegimeSince = new int[C * M * C];
        Duty = new double[C * M]; Quota = new double[C]; QuotaCovers = new bool[C * M]; QuotaUsed = new double[C];
        EmbeddedShare = new double[C]; ProductionQuota = new double[C * P]; ProductionUsed = new double[C * P];
        CapexSubsidy = new double[C * P]; OfftakeBroken = new bool[model.OfftakeIds.Length];
        Allowance = new double[M * C];
        Price = new double[M * 2]; PrevPrice = new double[M * 2]; Expected = new double[M * 2];
        ExpectedLong = new double[M * 2]; BasePrice = new double[M * 2]; CountryPrice = new double[M * C]; OutsidePrice = new double[M]; RuleCountries = new int[C];
        ExpectedCountry = new double[M * C]; ExpectedLongCountry = new double[M * C];
        SupplierTies = new double[C * M]; Qualified = new double[C * M]; WasSplit = new bool[C * M]; ImportPremium = new double[C * M];
        Risk = new double[C]; Stockpile = new double[C * M]; StockpileTarget = new double[C * M];
        StockpileFill = new double[C * M]; DesiredHistory = new double[C * M * 12];
        ExportRevenue = new double[C]; ExportRevenueBase = new double[C]; FiscalCost = new double[C];
        Capacity = new double[F]; Pipeline = new double[F * (model.Months + 1)];
        Inventory = new double[F * M]; InventoryCn = new double[F * M]; Activity = new double[F];
        RndStock = new double[F]; RndEffective = new double[F]; Thrift = new double[F]; Grade = new double[F * M]; FirmRevenue = new double[F];
        Cash = new double[F]; Mothballed = new double[F]; LossMonths = new int[F]; GoodMonths = new int[F];
        Exited = new bool[F]; MothballCount = new int[F]; Enforcement = new double[F];
        Scrap = new double[C];
        LifetimeRing = model.SectorLifetimeMonths.DefaultIfEmpty(0).Max() + 1;
        SoldHistory = new double[S * LifetimeRing];
        SectorStock = new double[S]; SectorStockCn = new double[S]; SectorNeed = new double[S];
        SectorConsumed = new double[S]; SectorShortage = new double[S]; SectorShortMonths = new double[S];
        SubstStock = new double[S]; SubstEffective = new double[S]; SubstShare = new double[S];
        Production = new double[C * M]; Recycled = new double[C * M]; InputUse = new double[C * M];
        Consumption = new double[C * M]; Demand = new double[C * M]; Shortage = new double[C * M];
        Losses = new double[C * M]; Trade = new double[C * M * C]; Acquired = new double[C * M];
        AcquiredFromCn = new double[C * M]; AcquiredCnEmbedded = new double[C * M];
        ChinaShare = new double[C * M]; ChinaShareEmbedded = new double[C * M];
        StockpileRelease = new double[C * M]; StockpileBuy = new double[C * M];
        EconomicLoss = new double[C]; ExtraCost = new double[C];
        int maxBuyers = S + F + C, maxSellers = F;
        BuyerNeed = new double[maxBuyers]; BuyerStock = new double[maxBuyers]; BuyerCover = new double[maxBuyers];
        BuyerChoke = new double[maxBuyers]; BuyerChokeRef = new double[maxBuyers]; BuyerElasticity = new double[maxBuyers]; BuyerBought = new double[maxBuyers];
        BuyerCostShare = new double[maxBuyers]; BuyerProductElasticity = new double[maxBuyers]; BuyerReservation = new double[maxBuyers];
        BuyerClass = new int[maxBuyers]; ClassElasticity = new double[maxBuyers]; ClassFactor = new double[maxBuyers * 2];
        BuyerCountry = new int[maxBuyers]; BuyerKind = new int[maxBuyers]; BuyerIndex = new int[maxBuyers];
        SellerAvail = new double[maxSellers]; SellerAsk = new double[maxSellers]; SellerFactor = new double[maxSellers];
        SellerSold = new double[maxSellers]; SellerOfferAt = new double[maxSellers]; SellerFirm = new int[maxSellers];
        CountryDemandScratch = new double[C]; CrossShareScratch = new double[2 * C]; CountryFromCn = new double[C];
        ApprovalNoise = new double[C * M]; QuotaPlan = new double[M]; QuotaMonth = new double[C];
        QuotaGridDemand = new double[M * Phases.MarketPhase.QuotaGridPoints]; QuotaShadow = new double[C];
        Planned = new double[F]; Margin = new double[F]; Utilisation = new double[F]; StockpileCn = new double[C * M]; LastShortageShare = new double[C * M];
        BuyerOfftake = new double[maxBuyers]; BuyerBidAt = new double[maxBuyers]; BuyerRegion = new int[maxBuyers];
        SellerRegion = new int[maxSellers]; SellerInner = new double[maxSellers];
        RegionCountrySold = new double[2 * C]; CountryRecv = new double[2 * C];
        BuyerMarket = new int[maxBuyers]; SellerMarket = new int[maxSellers];
        SplitOff = new bool[C]; SplitAllowance = new double[C]; SplitTieLimit = new double[C]; SellerClean = new double[maxSellers * C]; SplitTies = new double[C]; ForeignOrigin = new double[C]; SplitInflow = new double[C];
        SplitCnIn = new double[C]; SplitUnmet = new double[C]; SplitScratch = new double[C]; SplitOrigin = new double[C * C]; PoolLeft = new double[C]; HomeTake = new double[C]; OriginsScratch = new int[2 * C];
        Rng = new Rng(seed);
        Reset(seed);
    }

    /// <summary>
    /// Starts a new run of another model of the same shape (same countries, materials, processes, firms, sectors,
    /// offtakes and months: e.g. the same scenario with other parameter values), reusing every array.
    /// </summary>
    public void Reset(Model model, int seed)
    {
        if (!SameShape(Model, model))
            throw new ArgumentException("the model's dimensions differ from this state's; create a new WorldState for it", nameof(model));
        Model = model;
        Reset(seed);
    }

    /// <summary>
    /// Makes this state a copy of <paramref name="source"/> (same model, same shape) at the month it has reached: every
    /// array's contents, every scalar and the generator's state; only <see cref="Counterfactual"/> stays this state's own.
    /// Used to start a counterfactual run from the months it shares with its run (<see cref="Simulation.RunPaired"/>).
    /// Fields are found by reflection once, so a field added to the state is copied without touching this method.
    /// </summary>
    public void CopyFrom(WorldState source)
    {
        if (!ReferenceEquals(source.Model, Model) && !SameShape(source.Model, Model))
            throw new ArgumentException("the states' models differ in shape", nameof(source));
        foreach (var f in StateFields.Arrays) // every size first: a mismatch leaves this state untouched
            if (((Array)f.GetValue(source)!).Length != ((Array)f.GetValue(this)!).Length)
                throw new ArgumentException($"the states differ in the size of {f.Name}", nameof(source));
        Model = source.Model;
        foreach (var f in StateFields.Arrays)
        {
            var from = (Array)f.GetValue(source)!;
            Array.Copy(from, (Array)f.GetValue(this)!, from.Length);
        }
        StateFields.CopyScalars(source, this);
        Rng.CopyFrom(source.Rng);
    }

    /// <summary>The state's fields, by kind, for <see cref="CopyFrom"/>.</summary>
    static class StateFields
    {
        /// <summary>Fixed: read-only scalars set at construction (sizes, e.g. LifetimeRing): not copied; the arrays they size
        /// must agree in length, which <see cref="CopyFrom"/> checks.</summary>
        internal static readonly System.Reflection.FieldInfo[] Arrays, Scalars, Fixed;
        /// <summary>Copies every scalar field from the first state to the second (compiled once: no boxing).</summary>
        internal static readonly Action<WorldState, WorldState> CopyScalars;
        static StateFields()
        {
            var all = typeof(WorldState).GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic);
            var arrays = new List<System.Reflection.FieldInfo>(); var scalars = new List<System.Reflection.FieldInfo>();
            var fixedScalars = new List<System.Reflection.FieldInfo>();
            foreach (var f in all)
            {
                if (f.Name == nameof(Counterfactual)) continue;
                if (f.FieldType.IsArray) arrays.Add(f);
                else if (f.FieldType.IsValueType) (f.IsInitOnly ? fixedScalars : scalars).Add(f);
                else if (f.FieldType != typeof(Rng) && f.FieldType != typeof(Model))
                    throw new InvalidOperationException($"WorldState.CopyFrom does not know how to copy field {f.Name} ({f.FieldType.Name})");
            }
            Arrays = arrays.ToArray(); Scalars = scalars.ToArray(); Fixed = fixedScalars.ToArray();
            var from = System.Linq.Expressions.Expression.Parameter(typeof(WorldState), "from");
            var to = System.Linq.Expressions.Expression.Parameter(typeof(WorldState), "to");
            var body = System.Linq.Expressions.Expression.Block(typeof(void), Scalars.Select(f =>
                (System.Linq.Expressions.Expression)System.Linq.Expressions.Expression.Assign(
                    System.Linq.Expressions.Expression.Field(to, f), System.Linq.Expressions.Expression.Field(from, f))).Append(System.Linq.Expressions.Expression.Empty()));
            CopyScalars = System.Linq.Expressions.Expression.Lambda<Action<WorldState, WorldState>>(body, from, to).Compile();
        }
    }

    /// <summary>True when a state sized for <paramref name="a"/> fits <paramref name="b"/>.</summary>
    public static bool SameShape(Model a, Model b) =>
        a.M == b.M && a.C == b.C && a.F == b.F && a.S == b.S && a.P == b.P && a.Months == b.Months &&
        a.OfftakeIds.Length == b.OfftakeIds.Length;

    /// <summary>Puts the state back to month 0 of the model with a new seed, reusing every array.</summary>
    public void Reset(int seed)
    {
        var m = Model;
        Month = 0;
        Array.Copy(m.RegimeKind0, Regime, Regime.Length);
        Array.Copy(m.RegimeApproval0, Approval, Approval.Length);
        Array.Copy(m.RegimeDelay0, Delay, Delay.Length);
        Array.Clear(ApprovedDraw); Array.Clear(RegimeSince);
        Array.Copy(m.Duty0, Duty, Duty.Length);
        Array.Copy(m.Quota0, Quota, Quota.Length);
        Array.Copy(m.QuotaCovers0, QuotaCovers, QuotaCovers.Length);
        Array.Clear(QuotaUsed);
        Array.Copy(m.EmbeddedShare0, EmbeddedShare, EmbeddedShare.Length);
        Array.Copy(m.ProductionQuota0, ProductionQuota, ProductionQuota.Length);
        Array.Clear(ProductionUsed); Array.Clear(CapexSubsidy); Array.Clear(OfftakeBroken);
        for (int i = 0; i < Allowance.Length; i++) Allowance[i] = double.PositiveInfinity;
        for (int mat = 0; mat < m.M; mat++)
            for (int r = 0; r < 2; r++)
            {
                int k = mat * 2 + r;
                Price[k] = PrevPrice[k] = Expected[k] = ExpectedLong[k] = BasePrice[k] = m.RefPrice[mat];
            }
        for (int mat = 0; mat < m.M; mat++) OutsidePrice[mat] = m.RefPrice[mat];
        for (int mat = 0; mat < m.M; mat++)
            for (int c = 0; c < m.C; c++)
                CountryPrice[mat * m.C + c] = ExpectedCountry[mat * m.C + c] = ExpectedLongCountry[mat * m.C + c] = m.RefPrice[mat];
        Array.Fill(SupplierTies, double.NaN); Array.Clear(Qualified); Array.Clear(WasSplit);
        Array.Clear(Risk);
        Array.Copy(m.Stockpile0, Stockpile, Stockpile.Length);
        Array.Copy(m.StockpileTarget0, StockpileTarget, StockpileTarget.Length);
        Array.Copy(m.StockpileFillRate, StockpileFill, StockpileFill.Length);
        Array.Clear(DesiredHistory); Array.Clear(ExportRevenue); Array.Clear(ExportRevenueBase); Array.Clear(FiscalCost);
        Array.Copy(m.FirmCapacity0, Capacity, Capacity.Length);
        Array.Clear(Pipeline);
        Initialisation.SeedPipeline(m, m.FirmDeclaredGrowth, Pipeline);
        Array.Copy(m.FirmInventory0, Inventory, Inventory.Length);
        for (int f = 0; f < m.F; f++)
        {
            double cn = m.CountryRegion[m.FirmCountry[f]] == 0 ? 1 : 0;
            for (int mat = 0; mat < m.M; mat++) InventoryCn[f * m.M + mat] = cn;
            Activity[f] = m.FirmCapacity0[f] / 12.0 * m.FirmInitialUtilisation[f];
        }
        Array.Clear(RndStock); Array.Clear(RndEffective); Array.Clear(Thrift); Array.Fill(Grade, 1.0); Array.Clear(FirmRevenue);
        Array.Clear(Cash); Array.Clear(Mothballed); Array.Clear(LossMonths); Array.Clear(GoodMonths);
        Array.Clear(Exited); Array.Clear(MothballCount);
        Array.Clear(Enforcement);
        Array.Copy(m.FirmEnforcement0, Enforcement, Math.Min(Enforcement.Length, m.FirmEnforcement0.Length));
        Array.Clear(Scrap);
        // products in use before the start: each sector's starting monthly demand in every past month
        for (int s = 0; s < m.S; s++)
            for (int k = 0; k < LifetimeRing; k++)
                SoldHistory[s * LifetimeRing + k] = s < m.SectorLifetimeMonths.Length && m.SectorLifetimeMonths[s] > 0 ? m.SectorDemand0[s] / 12.0 : 0;
        for (int s = 0; s < m.S; s++)
        {
            SectorStock[s] = m.SectorStock0[s] * m.SectorDemand0[s] / 12.0;
            SectorStockCn[s] = 0.5;
        }
        Array.Clear(SectorNeed); Array.Clear(SectorConsumed); Array.Clear(SectorShortage); Array.Clear(SectorShortMonths);
        Array.Clear(SubstStock); Array.Clear(SubstEffective); Array.Clear(SubstShare);
        ClearFlows();
        for (int i = 0; i < ChinaShare.Length; i++) { ChinaShare[i] = double.NaN; ChinaShareEmbedded[i] = double.NaN; }
        Array.Clear(ApprovalNoise); Array.Clear(QuotaPlan); Array.Clear(QuotaMonth); Array.Clear(QuotaGridDemand); Array.Clear(QuotaShadow);
        Array.Clear(Planned); Array.Clear(Margin); Array.Clear(Utilisation); Array.Clear(LastShortageShare);
        for (int c = 0; c < m.C; c++)
            for (int mat = 0; mat < m.M; mat++) StockpileCn[c * m.M + mat] = m.CountryRegion[c] == 0 ? 1 : 0.5;
        NextEvent = 0;
        Rng.Reseed(seed);
    }

    internal void ClearFlows()
    {
        Array.Clear(Production); Array.Clear(Recycled); Array.Clear(InputUse); Array.Clear(Consumption);
        Array.Clear(Demand); Array.Clear(Shortage); Array.Clear(Losses); Array.Clear(Trade);
        Array.Clear(Acquired); Array.Clear(AcquiredFromCn); Array.Clear(AcquiredCnEmbedded);
        Array.Clear(StockpileRelease); Array.Clear(StockpileBuy); Array.Clear(EconomicLoss);
        Array.Clear(ExtraCost); Array.Clear(ImportPremium); Array.Clear(ExportRevenue); Array.Clear(FiscalCost); Array.Clear(FirmRevenue);
    }
}
