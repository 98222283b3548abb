namespace RareEarth.Engine;

/// <summary>Kind of export regime a country applies to one material and destination.</summary>
public enum RegimeKind : byte { Open = 0, Quota = 1, Licence = 2, Ban = 3 }

/// <summary>What a firm does: the stage is a label, the recipe (inputs and outputs) is data.</summary>
public sealed class ProcessSpec
{
    public required string Id { get; init; }
    public required string Stage { get; init; }
    /// <summary>Tonnes of each material consumed per unit of activity (dense, length = materials).</summary>
    public required double[] Inputs { get; init; }
    /// <summary>Tonnes of each material produced per unit of activity (dense, length = materials).</summary>
    public required double[] Outputs { get; init; }
    /// <summary>Inputs whose intensity R&amp;D can lower (thrifting), by material index.</summary>
    public required bool[] Thriftable { get; init; }
    /// <summary>
    /// Grade choice among the thriftable inputs (docs/model.md, "Grade choice"): the elasticity of substitution between
    /// them (Dy and Tb both buy a magnet's coercivity) and the elasticity of their combined loading against their cost
    /// index, both against expected prices relative to the reference. 0 and 0: the recipe is fixed.
    /// </summary>
    public double GradeSubstitution { get; init; }
    public double GradeElasticity { get; init; }
    /// <summary>True for processes whose output is counted as recycling rather than primary production.</summary>
    public bool IsRecycling { get; init; }
    /// <summary>Stage of the processes that only hold a material (speculative stockholders: they make nothing).</summary>
    public const string StockholdingStage = "stockholding";

    int[]? _inputMaterials, _outputMaterials;
    /// <summary>The materials with a positive input coefficient, ascending (computed once).</summary>
    public int[] InputMaterials => _inputMaterials ??= Positive(Inputs);
    /// <summary>The materials with a positive output coefficient, ascending (computed once).</summary>
    public int[] OutputMaterials => _outputMaterials ??= Positive(Outputs);

    static int[] Positive(double[] amounts)
    {
        var list = new List<int>();
        for (int i = 0; i < amounts.Length; i++) if (amounts[i] > 0) list.Add(i);
        return list.ToArray();
    }
}

/// <summary>
/// The compiled, immutable world: plain arrays indexed by material, country, firm and sector.
/// Built once from a scenario; the engine only reads it.
/// </summary>
public sealed class Model
{
    // ---- calendar ----
    public required int StartYear { get; init; }
    public required int StartMonth { get; init; }   // 1..12
    public required int Months { get; init; }
    /// <summary>Month index of the shock (decoupling and baselines are measured from it); -1 if none.</summary>
    public required int ShockMonth { get; init; }

    // ---- materials ----
    public required string[] MaterialIds { get; init; }
    public required string[] MaterialKinds { get; init; }
    /// <summary>Reference price per material, USD/kg (the price the world data was calibrated around).</summary>
    public required double[] RefPrice { get; init; }
    /// <summary>Lowest price any seller accepts (handling cost), USD/kg.</summary>
    public required double[] MinPrice { get; init; }
    /// <summary>Tonnes of rare-earth oxide per tonne of material, for quota accounting.</summary>
    public required double[] ReoContent { get; init; }
    /// <summary>Months of a firm's own output it keeps before discarding surplus co-product (explicit loss).</summary>
    public required double[] MaxOutputCover { get; init; }
    /// <summary>
    /// Cost of finishing and selling one kg of the material as a co-product (USD/kg): no seller asks
    /// less, and output that cannot be sold above it piles up and is discarded beyond its cover.
    /// Defaults to <see cref="MinPrice"/>.
    /// </summary>
    public required double[] HandlingCost { get; init; }
    /// <summary>[m] months a buyer needs to qualify a new supplier of the material (its imports from new suppliers grow by the unmet need over this many months).</summary>
    public required double[] QualificationMonths { get; init; }

    // ---- price regions (exactly two: the controlling supplier's region 0 and the rest 1) ----
    public required string[] RegionIds { get; init; }

    // ---- processes ----
    public required ProcessSpec[] Processes { get; init; }

    // ---- countries ----
    public required string[] CountryIds { get; init; }
    public required int[] CountryRegion { get; init; }
    /// <summary>Initial export regime [country, material, destination].</summary>
    public required RegimeKind[] RegimeKind0 { get; init; }
    public required double[] RegimeApproval0 { get; init; }
    public required int[] RegimeDelay0 { get; init; }
    /// <summary>Export duty as a share of price [country, material].</summary>
    public required double[] Duty0 { get; init; }
    /// <summary>Annual export quota in t REO [country], or +inf when none.</summary>
    public required double[] Quota0 { get; init; }
    /// <summary>Materials the quota covers [country, material].</summary>
    public required bool[] QuotaCovers0 { get; init; }
    /// <summary>Value share above which foreign goods embedding this country's controlled content need its licence [country], +inf = no rule.</summary>
    public required double[] EmbeddedShare0 { get; init; }
    /// <summary>Hoarding: how strongly perceived risk raises target coverage, per country.</summary>
    public required double[] HoardingGain { get; init; }
    /// <summary>Half-life of perceived risk, months.</summary>
    public required double[] RiskHalfLife { get; init; }
    double[]? _riskDecay;
    /// <summary>Per country: the monthly factor perceived risk decays by, 0.5^(1 / half-life) (computed once).</summary>
    public double[] RiskDecay => _riskDecay ??= RiskHalfLife.Select(h => Math.Pow(0.5, 1.0 / Math.Max(1e-9, h))).ToArray();
    /// <summary>Reaction rule: when export revenue of controlled materials falls below this share of its pre-control level, approval rates rise by RelaxStep per month. 0 disables.</summary>
    public required double[] RelaxRevenueShare { get; init; }
    public required double[] RelaxStep { get; init; }
    /// <summary>Annual production quota per country and process, t of activity per year (+inf none) [country, process].</summary>
    public required double[] ProductionQuota0 { get; init; }

    // ---- stockpiles [country, material] ----
    public required double[] Stockpile0 { get; init; }
    public required double[] StockpileTarget0 { get; init; }
    public required double[] StockpileFillRate { get; init; }   // t/month
    public required double[] StockpileMaxPriceMultiple { get; init; }
    public required double[] StockpileReleaseShortage { get; init; } // shortage share that triggers release
    public required double[] StockpileReleasePrice { get; init; }    // [c, m] market price / normal price that triggers release (0: none)
    public required double[] StockpileReleaseRate { get; init; } // t/month

    // ---- firms ----
    public required string[] FirmIds { get; init; }
    public required int[] FirmCountry { get; init; }
    public required int[] FirmProcess { get; init; }
    public required double[] FirmCapacity0 { get; init; }      // activity t/yr
    public required double[] FirmUnitCost { get; init; }       // USD/kg of activity (excl. inputs)
    /// <summary>Initial inventory [firm, material], t.</summary>
    public required double[] FirmInventory0 { get; init; }
    public required double[] FirmInputCoverage { get; init; }  // target months of inputs
    public required double[] FirmInitialUtilisation { get; init; }
    public required double[] FirmHurdle { get; init; }         // margin share needed to invest
    public required double[] FirmMaxGrowth { get; init; }      // share of capacity per year
    public required double[] FirmMinProject { get; init; }     // t/yr
    public required int[] FirmLeadMonths { get; init; }
    public required int[] FirmRampMonths { get; init; }
    public required double[] FirmRndRate { get; init; }        // R&D stock gained per month per unit price excess
    public required double[] FirmRndHalf { get; init; }        // R&D stock giving half of max thrift
    public required double[] FirmMaxThrift { get; init; }      // max share cut of thriftable inputs
    public required int[] FirmRndLag { get; init; }            // requalification lag, months
    public required double[] FirmChokeMultiple { get; init; }  // input price (x ref) where the firm stops buying
    /// <summary>
    /// Cash cost, USD/kg of activity excluding inputs: the unit cost without its capital charge (depreciation and
    /// return on capital). Short-run decisions (mothballing, restarting) and the firm's cash account use it;
    /// <see cref="FirmUnitCost"/> (the full cost) sets utilisation and investment. Defaults to the unit cost.
    /// </summary>
    public double[] FirmCashCost { get; init; } = Array.Empty<double>();
    /// <summary>
    /// Cash and credit a firm can lose before it fails, in months of its cash cost at full capacity
    /// (<c>cash_months</c>; +∞, the default: state-backed or deep-pocketed, never fails).
    /// </summary>
    public double[] FirmCashMonths { get; init; } = Array.Empty<double>();
    /// <summary>
    /// Unreported (illegal) mining: a firm with a price elasticity of output and an enforcement level
    /// (share of its potential output that enforcement stops, 0..1; events may change it). NaN elasticity:
    /// an ordinary firm. Unreported output is outside the country's production quota.
    /// </summary>
    public double[] FirmUnreportedElasticity { get; init; } = Array.Empty<double>();
    public double[] FirmEnforcement0 { get; init; } = Array.Empty<double>();
    /// <summary>
    /// Speculative stockholders (<see cref="Phases.Speculators"/>): per firm, -1 for a producer, else the material it
    /// holds; its rule (trader or reserve) and parameters are in <see cref="FirmStockRule"/> and the arrays below.
    /// </summary>
    public int[] FirmHeldMaterial { get; init; } = Array.Empty<int>();
    public StockRule[] FirmStockRule { get; init; } = Array.Empty<StockRule>();
    /// <summary>Trader: carry cost per year (share of value: interest, storage, insurance). Reserve: unused.</summary>
    public double[] StockCarry { get; init; } = Array.Empty<double>();
    /// <summary>Reserve: buys below this multiple of its long-run expected price. Trader: unused.</summary>
    public double[] StockBuyBelow { get; init; } = Array.Empty<double>();
    /// <summary>Sells (releases) when the expected price is above this multiple of the long-run expectation.</summary>
    public double[] StockSellAbove { get; init; } = Array.Empty<double>();
    /// <summary>Most it buys or sells in a month, t.</summary>
    public double[] StockRate { get; init; } = Array.Empty<double>();

    // ---- end-use sectors ----
    public required string[] SectorIds { get; init; }
    public required string[] SectorNames { get; init; }
    public required int[] SectorCountry { get; init; }
    public required int[] SectorMaterial { get; init; }
    public required double[] SectorDemand0 { get; init; }      // t/yr at start
    public required double[] SectorGrowth { get; init; }       // per year
    public required double[] SectorElasticity { get; init; }   // short-run, positive number
    public required double[] SectorChokeMultiple { get; init; }
    /// <summary>Share of the rare-earth input in the cost of the sector's product at reference prices (willingness to pay).</summary>
    public double[] SectorCostShare { get; init; } = Array.Empty<double>();
    /// <summary>Own-price elasticity of demand for the sector's product (willingness to pay).</summary>
    public double[] SectorProductElasticity { get; init; } = Array.Empty<double>();
    public required double[] SectorCoverage { get; init; }     // target months
    public required double[] SectorStock0 { get; init; }       // months of demand held at start
    public required double[] SectorLossPerTonne { get; init; } // USD of value added lost per t short
    public required double[] SectorSubstMax { get; init; }     // max share of RE-free designs
    public required double[] SectorSubstRate { get; init; }
    public required double[] SectorSubstHalf { get; init; }
    public required int[] SectorSubstLag { get; init; }

    // ---- offtake deals (seller firm -> buyer country) ----
    public required string[] OfftakeIds { get; init; }
    public required int[] OfftakeFirm { get; init; }
    public required int[] OfftakeBuyer { get; init; }
    public required int[] OfftakeMaterial { get; init; }
    public required double[] OfftakeTonnesPerMonth { get; init; }
    public required int[] OfftakeStart { get; init; }
    public required int[] OfftakeEnd { get; init; }

    // ---- price floors (government tops up a firm's sales to a floor) ----
    public required int[] FloorCountry { get; init; }
    public required int[] FloorFirm { get; init; }
    public required int[] FloorMaterial { get; init; }
    public required double[] FloorPrice { get; init; }   // USD/kg
    public required int[] FloorStart { get; init; }
    public required int[] FloorEnd { get; init; }
    /// <summary>Per floor: also in force in the world without the confrontation (`counterfactual: keep`).</summary>
    public bool[] FloorInCounterfactual { get; init; } = Array.Empty<bool>();

    // ---- behaviour (global) ----
    public required Behaviour Behaviour { get; init; }

    double[]? firmGrowth;
    /// <summary>Declared capacity growth per year of each firm at the start (<see cref="Initialisation.FirmGrowth"/>), computed once.</summary>
    public double[] FirmDeclaredGrowth => firmGrowth ??= Initialisation.FirmGrowth(this);

    /// <summary>
    /// Scrap (docs/model.md, "Recycling from scrap"): t of swarf per t of magnets made, the share of end-of-life magnets
    /// collected for recycling, and each sector's product lifetime in months (0: the sector's material is not a magnet
    /// and yields no end-of-life scrap). Recyclers can only recycle their country's scrap stock.
    /// </summary>
    public double MagnetSwarf { get; init; }
    public double EndOfLifeCollection { get; init; }
    public int[] SectorLifetimeMonths { get; init; } = Array.Empty<int>();

    /// <summary>Dated events, sorted by month (stable in file order).</summary>
    public required ScenarioEvent[] Events { get; init; }

    /// <summary>The scenario says <c>counterfactual: false</c>: no run is paired with a counterfactual run.</summary>
    public bool CounterfactualOff { get; init; }

    /// <summary>
    /// True when the world without the confrontation differs from the scenario: some event or price floor is not
    /// marked <c>counterfactual: keep</c> (and the scenario does not turn the counterfactual off).
    /// </summary>
    public bool HasCounterfactual
    {
        get
        {
            if (CounterfactualOff) return false;
            foreach (var e in Events) if (!e.InCounterfactual) return true;
            for (int i = 0; i < FloorCountry.Length; i++) if (!KeepsFloor(i)) return true;
            return false;
        }
    }

    /// <summary>
    /// The first month in which the run and its counterfactual can differ: the earliest event or price floor the
    /// counterfactual leaves out (<see cref="Months"/> when there is none). Before it the two runs are the same.
    /// </summary>
    public int CounterfactualDivergence
    {
        get
        {
            int first = Months;
            foreach (var e in Events) if (!e.InCounterfactual) first = Math.Min(first, e.Month);
            for (int i = 0; i < FloorCountry.Length; i++) if (!KeepsFloor(i)) first = Math.Min(first, FloorStart[i]);
            return Math.Max(0, first);
        }
    }

    /// <summary>Whether price floor <paramref name="i"/> is in force in the counterfactual world.</summary>
    public bool KeepsFloor(int i) => i < FloorInCounterfactual.Length && FloorInCounterfactual[i];

    int[][]? _buyingFirms, _sellingFirms;
    double[]? _processValueAtRef;
    /// <summary>Per material: the firms whose process uses it as an input, in ascending order (computed once).</summary>
    public int[] FirmsUsing(int mat) => (_buyingFirms ??= FirmsBy(p => p.Inputs))[mat];
    /// <summary>Per material: the firms whose process makes it, in ascending order (computed once).</summary>
    public int[] FirmsMaking(int mat) => (_sellingFirms ??= FirmsBy(p => p.Outputs))[mat];
    /// <summary>Per process: the value of its outputs per unit of activity at reference prices, USD/kg (computed once).</summary>
    public double ProcessValueAtRef(int process) => (_processValueAtRef ??= Processes.Select(p =>
    {
        double v = 0;
        for (int o = 0; o < M; o++) v += p.Outputs[o] * RefPrice[o];
        return v;
    }).ToArray())[process];

    int[][] FirmsBy(Func<ProcessSpec, double[]> amounts) =>
        Enumerable.Range(0, M).Select(mat => Enumerable.Range(0, F).Where(f => amounts(Processes[FirmProcess[f]])[mat] > 0).ToArray()).ToArray();

    bool[]? _isMagnet;
    /// <summary>Whether a material is of kind magnet (computed once; no allocation after the first call).</summary>
    public bool IsMagnet(int mat) => (_isMagnet ??= MaterialKinds.Select(k => k == "magnet").ToArray())[mat];

    public int M => MaterialIds.Length;
    public int C => CountryIds.Length;
    public int F => FirmIds.Length;
    public int S => SectorIds.Length;
    public int P => Processes.Length;

    /// <summary>Calendar label of month index t, e.g. "2010-09".</summary>
    public string MonthLabel(int t)
    {
        int m0 = StartYear * 12 + (StartMonth - 1) + t;
        return $"{m0 / 12:D4}-{m0 % 12 + 1:D2}";
    }

    /// <summary>Calendar month (1..12) of month index t.</summary>
    public int CalendarMonth(int t) => (StartMonth - 1 + t) % 12 + 1;

    public int IndexOfCountry(string id) => Array.IndexOf(CountryIds, id);
    public int IndexOfMaterial(string id) => Array.IndexOf(MaterialIds, id);
}

/// <summary>Behavioural constants shared by all agents (each documented in docs/model.md).</summary>
public sealed record Behaviour
{
    /// <summary>Weight of the newest price in short-run expectations (per month).</summary>
    public double ExpectationAlpha { get; init; } = 0.3;
    /// <summary>Weight of the newest price in long-run expectations (per month), used for investment and R&amp;D.</summary>
    public double LongExpectationAlpha { get; init; } = 1.0 / 24.0;
    /// <summary>Sellers hold stock rather than sell below this share of their expected price.</summary>
    public double SellerReserve { get; init; } = 0.85;
    /// <summary>Width of a seller's offer ramp, as a share of the ask.</summary>
    public double OfferSpread { get; init; } = 0.3;
    /// <summary>Months over which buyers close the gap to target stock.</summary>
    public double RestockMonths { get; init; } = 3.0;
    /// <summary>Months over which a firm moves its utilisation to the level its expected margin calls for (1: at once).</summary>
    public double UtilisationAdjustMonths { get; init; } = 1.0;
    /// <summary>Price elasticity of the restocking part of demand (stock targets shrink when prices are high).</summary>
    public double StockElasticity { get; init; } = 1.0;
    /// <summary>Utilisation at zero margin; full at +10% margin, minimum at -30%.</summary>
    public double MinUtilisation { get; init; } = 0.2;
    /// <summary>Perceived risk added when a control that touches a country's supply is tightened.</summary>
    public double RiskOnControl { get; init; } = 0.6;
    /// <summary>Perceived risk added per unit of shortage share observed.</summary>
    public double RiskOnShortage { get; init; } = 2.0;
    /// <summary>Perceived risk added per unit of monthly price rise above 20%.</summary>
    public double RiskOnPriceJump { get; init; } = 0.5;
    /// <summary>Concentration of the Beta draw of monthly licence approvals (higher = closer to the mean rate).</summary>
    public double ApprovalConcentration { get; init; } = 20.0;
    /// <summary>Width of the margin band (share) over which investment goes from nothing to the maximum growth rate.</summary>
    public double InvestmentBand { get; init; } = 0.5;
    /// <summary>Exponent of the demand choke: demand falls as 1 - (p / choke)^k and is zero above the choke price.</summary>
    public double ChokeExponent { get; init; } = 2.0;
    /// <summary>Short-run price elasticity of firms' input purchases (positive number).</summary>
    public double FirmElasticity { get; init; } = 0.1;
    /// <summary>Months over which a country's supplier ties (its average imports from suppliers outside the controlling region) follow its actual imports.</summary>
    public double SupplierTieMonths { get; init; } = 12.0;
    /// <summary>Share by which a country can raise its imports from tied suppliers above their average within a month (contracts' flexibility).</summary>
    public double SupplierTieHeadroom { get; init; } = 0.25;
    /// <summary>Share of a supplier's sales tied to its customers by term contracts; the rest is sold spot to whoever may and will pay.</summary>
    public double SupplierContractShare { get; init; } = 0.7;
    /// <summary>Share of the goods region-1 suppliers hold back from the pooled market (their ask above its price) that they
    /// sell to a cut-off country at its own price; 0: a cut-off country gets from them only what they offer the pool.</summary>
    public double HeldStockRerouteShare { get; init; } = 0.0;
    /// <summary>Short-run elasticity of substitution between a rare-earth input and the rest of a buyer's inputs (other grades and designs), against the reference price.</summary>
    public double SubstitutionElasticity { get; init; } = 0.15;
    /// <summary>Own-price elasticity of demand for a firm's product as its unit cost rises (its buyers turn to other suppliers and grades).</summary>
    public double FirmProductElasticity { get; init; } = 3.0;
    /// <summary>Share of the output lost for want of an input that is never made up later, which a sector's <c>loss_per_tonne</c> assumes.</summary>
    public double LossReferenceShare { get; init; } = 0.5;
    /// <summary>That share in a sector's first month of shortage (a short stop is made up with overtime or moved into planned downtime).</summary>
    public double LostShareFirstMonth { get; init; } = 0.5;
    /// <summary>That share once a shortage has lasted long (output lost for months is not made up).</summary>
    public double LostShareLong { get; init; } = 0.5;
    /// <summary>Months over which the share never made up moves from its first-month value towards its long value (e-folding).</summary>
    public double LostShareMonths { get; init; } = 6.0;

    /// <summary>
    /// Share of a month's lost output never made up when the sector has been short for <paramref name="months"/> months
    /// in a row (1 = this is the first): first + (long − first)·(1 − exp(−(months − 1)/τ)).
    /// </summary>
    public double LostShare(double months) =>
        LostShareLong - (LostShareLong - LostShareFirstMonth) * Math.Exp(-(months - 1) / LostShareMonths);
    /// <summary>Highest price the auction searches, as a multiple of the reference price.</summary>
    public double MaxPriceMultiple { get; init; } = 100.0;
    /// <summary>Share of a firm's cash cost that is fixed (paid on active capacity whether used or not; mothballing saves it).</summary>
    public double FixedCostShare { get; init; } = 0.3;
    /// <summary>Months in a row with a cash margin below −<see cref="MothballMargin"/> after which a firm mothballs part of its capacity.</summary>
    public int MothballAfterMonths { get; init; } = 6;
    /// <summary>How far below cash cost (cash margin ratio) counts as a loss month.</summary>
    public double MothballMargin { get; init; } = 0.1;
    /// <summary>Share of its idle capacity (capacity × (1 − utilisation)) a firm mothballs at each such decision.</summary>
    public double MothballShare { get; init; } = 0.5;
    /// <summary>Long-run cash margin above which a firm restarts mothballed capacity, after <see cref="RestartAfterMonths"/> months in a row.</summary>
    public double RestartMargin { get; init; } = 0.1;
    public int RestartAfterMonths { get; init; } = 3;
    /// <summary>Months from the restart decision until the capacity produces again.</summary>
    public int RestartLeadMonths { get; init; } = 6;
    /// <summary>Cost of a restart, in months of the restarted capacity's fixed cost.</summary>
    public double RestartCostMonths { get; init; } = 6;
}

/// <summary>The rule of a speculative stockholder.</summary>
public enum StockRule : byte
{
    /// <summary>Buys when the expected price rise over its horizon beats the carry cost; sells into spikes.</summary>
    Trader = 0,
    /// <summary>A state reserve: buys when the price is low against the reference, releases into spikes.</summary>
    Reserve = 1,
}

/// <summary>Kinds of dated events a scenario can contain.</summary>
public enum EventKind : byte
{
    ExportRegime,     // set regime for country x material x destination
    ExportDuty,       // set duty for country x material
    ExportQuota,      // set annual quota (t REO) and covered materials
    EmbeddedRule,     // set the value-share threshold of the foreign-goods rule
    CapacityProject,  // add capacity to a firm after a lead time, with ramp
    OfftakeBreak,     // end an offtake deal early
    StockpileTarget,  // change a country's stockpile target/fill rate
    CapexSubsidy,     // share of project cost paid by government: lowers the hurdle for a country's firms of a stage
    RndFunding,       // add to the R&D stock of a country's firms/sectors
    ProductionQuota,  // set annual production quota for country x process
    Announcement,     // a control announced but not (yet) in force: raises perceived risk of the listed countries only
    Enforcement,      // set the enforcement level against a firm's unreported (illegal) output
}

/// <summary>A dated event compiled to indices. Fields unused by a kind are left at their defaults.</summary>
public readonly record struct ScenarioEvent(
    int Month,
    EventKind Kind,
    int Country,
    int Material,         // -1 = all in Materials mask
    int Destination,      // -1 = all destinations
    int Firm,
    int Process,
    RegimeKind Regime,
    double Value,         // approval rate, duty, quota, share, capacity, funding ...
    double Value2,        // fill rate, ...
    int Delay,            // licence delay / lead months
    int Ramp,
    bool[]? Materials,    // for multi-material events
    bool IsConfrontation, // tightening that raises perceived risk of affected importers
    string Label,
    bool InCounterfactual = false); // also happens in the world without the confrontation (`counterfactual: keep`)
