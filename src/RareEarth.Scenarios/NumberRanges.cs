using System.Globalization;
using System.Text;

namespace RareEarth.Scenarios;

/// <summary>
/// The range of one numeric key of a scenario: what validation accepts and the engine can run.
/// <see cref="Key"/> is a dotted path in which <c>&lt;id&gt;</c>, <c>&lt;material&gt;</c>, <c>&lt;process&gt;</c>
/// and <c>&lt;n&gt;</c> stand for any one segment. <see cref="AtMost"/> names a sibling key whose value is a
/// further upper bound (a cross-field rule).
/// </summary>
public sealed record NumberRange(string Key, double Min, double Max, string Unit, bool Whole = false, string? AtMost = null)
{
    /// <summary>The key's own name (the last segment of <see cref="Key"/>).</summary>
    public string Name => Key[(Key.LastIndexOf('.') + 1)..];

    /// <summary>True when a concrete dotted path (e.g. sectors.JP_ev.demand) is an instance of this key.</summary>
    public bool Matches(string path)
    {
        var want = Key.Split('.');
        var have = path.Split('.');
        if (want.Length != have.Length) return false;
        for (int i = 0; i < want.Length; i++)
            if (!(want[i].StartsWith('<') || want[i] == have[i])) return false;
        return true;
    }

    public bool Contains(double x) => x >= Min && x <= Max;

    /// <summary>"between 0 and 1e8 (t/yr)": the expected part of an out-of-range message.</summary>
    public string Text =>
        $"{(Whole ? "a whole number" : "a number")} between {NumberRanges.Format(Min)} and {NumberRanges.Format(Max)}" +
        (string.IsNullOrEmpty(Unit) ? "" : $" ({Unit})");
}

/// <summary>
/// Every numeric key of a scenario with the range validation accepts: the one table the compiler reads
/// (<see cref="ScenarioCompiler"/>) and docs/scenarios.md shows (<see cref="MarkdownTable"/>; a test keeps
/// the two equal). Upper bounds are physical: about 250 times today's world rare-earth output for any
/// tonnage, a thousand times the dearest rare earth for any price; within them every month of the
/// engine stays finite (tests run each bound).
/// </summary>
public static class NumberRanges
{
    /// <summary>Largest tonnage: t, t/yr or t/month (world output is about 4e5 t REO a year).</summary>
    public const double MaxTonnes = 1e8;
    /// <summary>Largest price or cost, USD/kg (the dearest rare-earth oxides trade below 1e3 USD/kg).</summary>
    public const double MaxPrice = 1e6;
    /// <summary>Largest multiple of a reference price (choke prices, the auction's ceiling).</summary>
    public const double MaxMultiple = 1e4;
    /// <summary>Largest R&amp;D or substitution stock rate, funding or half-stock (dimensionless stock units).</summary>
    public const double MaxStock = 1e6;
    /// <summary>Longest lead time, ramp or lag, months (the horizon is at most 1200 months).</summary>
    public const int MaxMonths = 600;

    static readonly List<NumberRange> all = new();
    static NumberRange R(string key, double min, double max, string unit, string? atMost = null)
    {
        var r = new NumberRange(key, min, max, unit, AtMost: atMost);
        all.Add(r);
        return r;
    }
    static NumberRange W(string key, int min, int max, string unit)
    {
        var r = new NumberRange(key, min, max, unit, Whole: true);
        all.Add(r);
        return r;
    }

    /// <summary>Every range, in the order of docs/scenarios.md.</summary>
    public static IReadOnlyList<NumberRange> All => all;

    // ---- behaviour ----
    public static readonly NumberRange ExpectationAlpha = R("behaviour.expectation_alpha", 0.001, 1, "per month");
    public static readonly NumberRange LongExpectationAlpha = R("behaviour.long_expectation_alpha", 0.001, 1, "per month");
    public static readonly NumberRange SellerReserve = R("behaviour.seller_reserve", 0, 2, "share of expected price");
    public static readonly NumberRange OfferSpread = R("behaviour.offer_spread", 0.01, 2, "share of the ask");
    public static readonly NumberRange RestockMonths = R("behaviour.restock_months", 0.5, 60, "months");
    public static readonly NumberRange UtilisationAdjustMonths = R("behaviour.utilisation_adjust_months", 1, 24, "months");
    public static readonly NumberRange StockElasticity = R("behaviour.stock_elasticity", 0, 10, "");
    public static readonly NumberRange MinUtilisation = R("behaviour.min_utilisation", 0, 1, "share");
    public static readonly NumberRange RiskOnControl = R("behaviour.risk_on_control", 0, 1, "risk");
    public static readonly NumberRange RiskOnShortage = R("behaviour.risk_on_shortage", 0, 100, "risk per shortage share");
    public static readonly NumberRange RiskOnPriceJump = R("behaviour.risk_on_price_jump", 0, 100, "risk per price rise");
    public static readonly NumberRange ApprovalConcentration = R("behaviour.approval_concentration", 1, 1e6, "");
    public static readonly NumberRange InvestmentBand = R("behaviour.investment_band", 0.01, 10, "share");
    public static readonly NumberRange ChokeExponent = R("behaviour.choke_exponent", 0.5, 10, "");
    public static readonly NumberRange FirmElasticity = R("behaviour.firm_elasticity", 0, 5, "");
    public static readonly NumberRange SupplierTieMonths = R("behaviour.supplier_tie_months", 1, 120, "months");
    public static readonly NumberRange SupplierContractShare = R("behaviour.supplier_contract_share", 0, 1, "share");
    public static readonly NumberRange HeldStockRerouteShare = R("behaviour.held_stock_reroute_share", 0, 1, "share");
    public static readonly NumberRange SupplierTieHeadroom = R("behaviour.supplier_tie_headroom", 0, 10, "share");
    public static readonly NumberRange SubstitutionElasticity = R("behaviour.substitution_elasticity", 0, 5, "");
    public static readonly NumberRange FirmProductElasticity = R("behaviour.firm_product_elasticity", 0, 20, "");
    public static readonly NumberRange LossReferenceShare = R("behaviour.loss_reference_share", 0.01, 1, "share");
    public static readonly NumberRange LostShareFirstMonth = R("behaviour.lost_share_first_month", 0, 1, "share");
    public static readonly NumberRange LostShareLong = R("behaviour.lost_share_long", 0, 1, "share");
    public static readonly NumberRange LostShareMonths = R("behaviour.lost_share_months", 0.1, 120, "months");
    public static readonly NumberRange MaxPriceMultiple = R("behaviour.max_price_multiple", 2, MaxMultiple, "x ref_price");
    public static readonly NumberRange FixedCostShare = R("behaviour.fixed_cost_share", 0, 1, "share of cash cost");
    public static readonly NumberRange MothballAfterMonths = W("behaviour.mothball_after_months", 1, MaxMonths, "months");
    public static readonly NumberRange MothballMargin = R("behaviour.mothball_margin", 0, 10, "cash margin share");
    public static readonly NumberRange MothballShare = R("behaviour.mothball_share", 0, 1, "share of idle capacity");
    public static readonly NumberRange RestartMargin = R("behaviour.restart_margin", -1, 10, "cash margin share");
    public static readonly NumberRange RestartAfterMonths = W("behaviour.restart_after_months", 1, MaxMonths, "months");
    public static readonly NumberRange RestartLeadMonths = W("behaviour.restart_lead_months", 0, MaxMonths, "months");
    public static readonly NumberRange RestartCostMonths = R("behaviour.restart_cost_months", 0, MaxMonths, "months of fixed cost");

    // ---- materials ----
    public static readonly NumberRange RefPrice = R("materials.<id>.ref_price", 1e-6, MaxPrice, "USD/kg");
    public static readonly NumberRange MinPrice = R("materials.<id>.min_price", 1e-6, MaxPrice, "USD/kg", atMost: "ref_price");
    public static readonly NumberRange ReoContent = R("materials.<id>.reo_content", 0, 1, "t REO per t");
    public static readonly NumberRange HandlingCost = R("materials.<id>.handling_cost", 1e-6, MaxPrice, "USD/kg", atMost: "ref_price");
    public static readonly NumberRange MaxOutputCover = R("materials.<id>.max_output_cover", 0, 120, "months");
    public static readonly NumberRange QualificationMonths = R("materials.<id>.qualification_months", 0, 120, "months");

    // ---- processes ----
    public static readonly NumberRange ProcessInput = R("processes.<id>.inputs.<material>", 0, 1000, "t per t of activity");
    public static readonly NumberRange ProcessOutput = R("processes.<id>.outputs.<material>", 0, 1000, "t per t of activity");
    public static readonly NumberRange GradeSubstitution = R("processes.<id>.grade_substitution", 0, 10, "-");
    public static readonly NumberRange GradeElasticity = R("processes.<id>.grade_elasticity", 0, 5, "-");

    // ---- countries ----
    public static readonly NumberRange HoardingGain = R("countries.<id>.hoarding_gain", 0, 20, "");
    public static readonly NumberRange RiskHalfLife = R("countries.<id>.risk_half_life", 0.1, MaxMonths, "months");
    public static readonly NumberRange RegimeApproval = R("countries.<id>.export.<n>.approval", 0, 1, "share");
    public static readonly NumberRange RegimeDelay = W("countries.<id>.export.<n>.delay", 0, 11, "months");
    public static readonly NumberRange Duty = R("countries.<id>.duties.<material>", 0, 10, "share of price");
    public static readonly NumberRange QuotaTonnes = R("countries.<id>.export_quota.tonnes_reo", 0, MaxTonnes, "t REO/yr");
    public static readonly NumberRange EmbeddedRuleShare = R("countries.<id>.embedded_rule_share", 0, 1, "share of value");
    public static readonly NumberRange ProductionQuota = R("countries.<id>.production_quota.<process>", 0, MaxTonnes, "t/yr");
    public static readonly NumberRange RelaxRevenueShare = R("countries.<id>.relax_controls.revenue_share", 0, 1, "share");
    public static readonly NumberRange RelaxStep = R("countries.<id>.relax_controls.step", 0, 1, "per month");
    public static readonly NumberRange StockpileTonnes = R("countries.<id>.stockpiles.<material>.tonnes", 0, MaxTonnes, "t");
    public static readonly NumberRange StockpileTarget = R("countries.<id>.stockpiles.<material>.target", 0, MaxTonnes, "t");
    public static readonly NumberRange StockpileFillRate = R("countries.<id>.stockpiles.<material>.fill_rate", 0, MaxTonnes, "t/month");
    public static readonly NumberRange StockpileMaxPrice = R("countries.<id>.stockpiles.<material>.max_price_multiple", 0, MaxMultiple, "x ref_price");
    public static readonly NumberRange StockpileReleaseShortage = R("countries.<id>.stockpiles.<material>.release_shortage", 0, 1, "shortage share");
    public static readonly NumberRange StockpileReleasePrice = R("countries.<id>.stockpiles.<material>.release_price_multiple", 0, MaxMultiple, "x normal price");
    public static readonly NumberRange StockpileReleaseRate = R("countries.<id>.stockpiles.<material>.release_rate", 0, MaxTonnes, "t/month");

    // ---- firms ----
    public static readonly NumberRange Capacity = R("firms.<id>.capacity", 0, MaxTonnes, "t/yr of activity");
    public static readonly NumberRange UnitCost = R("firms.<id>.unit_cost", 0, MaxPrice, "USD/kg");
    public static readonly NumberRange CashCost = R("firms.<id>.cash_cost", 0, MaxPrice, "USD/kg", atMost: "unit_cost");
    public static readonly NumberRange CashMonths = R("firms.<id>.cash_months", 0, 1200, "months of cash cost");
    public static readonly NumberRange UnreportedElasticity = R("firms.<id>.unreported.elasticity", 0, 10, "");
    public static readonly NumberRange Enforcement = R("firms.<id>.unreported.enforcement", 0, 1, "share of potential output stopped");
    public static readonly NumberRange Inventory = R("firms.<id>.inventory.<material>", 0, MaxTonnes, "t");
    public static readonly NumberRange InventoryMonths = R("firms.<id>.inventory_months", 0, 120, "months");
    public static readonly NumberRange InputCoverage = R("firms.<id>.input_coverage", 0, 60, "months");
    public static readonly NumberRange Utilisation = R("firms.<id>.utilisation", 0, 1, "share");
    public static readonly NumberRange FirmChoke = R("firms.<id>.choke_multiple", 1, MaxMultiple, "x ref_price");
    public static readonly NumberRange Hurdle = R("firms.<id>.invest.hurdle", -1, 10, "margin share");
    public static readonly NumberRange MaxGrowth = R("firms.<id>.invest.max_growth", 0, 10, "share per year");
    public static readonly NumberRange MinProject = R("firms.<id>.invest.min_project", 0, MaxTonnes, "t/yr");
    public static readonly NumberRange LeadMonths = W("firms.<id>.invest.lead_months", 0, MaxMonths, "months");
    public static readonly NumberRange RampMonths = W("firms.<id>.invest.ramp_months", 1, MaxMonths, "months");
    public static readonly NumberRange RndRate = R("firms.<id>.rnd.rate", 0, MaxStock, "stock per month");
    public static readonly NumberRange RndHalf = R("firms.<id>.rnd.half", 1e-6, MaxStock, "stock");
    public static readonly NumberRange MaxThrift = R("firms.<id>.rnd.max_thrift", 0, 1, "share");
    public static readonly NumberRange RndLag = W("firms.<id>.rnd.lag_months", 1, MaxMonths, "months");

    // ---- speculative stockholders ----
    public static readonly NumberRange StockCapacity = R("stockholders.<id>.capacity", 0, MaxTonnes, "t");
    public static readonly NumberRange StockTonnes = R("stockholders.<id>.tonnes", 0, MaxTonnes, "t", atMost: "capacity");
    public static readonly NumberRange StockRate = R("stockholders.<id>.rate", 0, MaxTonnes, "t/month");
    public static readonly NumberRange StockCarry = R("stockholders.<id>.carry", 0, 10, "share of value per year");
    public static readonly NumberRange StockBuyBelow = R("stockholders.<id>.buy_below", 0, MaxMultiple, "x long-run expected price");
    public static readonly NumberRange StockSellAbove = R("stockholders.<id>.sell_above", 0, MaxMultiple, "x long-run expected price");

    // ---- sectors ----
    public static readonly NumberRange Demand = R("sectors.<id>.demand", 0, MaxTonnes, "t/yr");
    public static readonly NumberRange Growth = R("sectors.<id>.growth", -0.5, 1, "per year");
    public static readonly NumberRange Elasticity = R("sectors.<id>.elasticity", 0, 5, "");
    public static readonly NumberRange SectorChoke = R("sectors.<id>.choke_multiple", 1, MaxMultiple, "x ref_price");
    public static readonly NumberRange CostShare = R("sectors.<id>.cost_share", 0, 1, "share of product cost");
    public static readonly NumberRange ProductElasticity = R("sectors.<id>.product_elasticity", 0, 20, "");
    public static readonly NumberRange Coverage = R("sectors.<id>.coverage", 0, 60, "months");
    public static readonly NumberRange StockMonths = R("sectors.<id>.stock_months", 0, 60, "months");
    public static readonly NumberRange LossPerTonne = R("sectors.<id>.loss_per_tonne", 0, 1e9, "USD/t");
    public static readonly NumberRange SubstMaxShare = R("sectors.<id>.substitution.max_share", 0, 1, "share");
    public static readonly NumberRange SubstRate = R("sectors.<id>.substitution.rate", 0, MaxStock, "stock per month");
    public static readonly NumberRange SubstHalf = R("sectors.<id>.substitution.half", 1e-6, MaxStock, "stock");
    public static readonly NumberRange SubstLag = W("sectors.<id>.substitution.lag_months", 1, MaxMonths, "months");
    public static readonly NumberRange SectorLifetime = R("sectors.<id>.lifetime_years", 0, 50, "years");

    // ---- scrap ----
    public static readonly NumberRange MagnetSwarf = R("scrap.magnet_swarf", 0, 1, "t per t of magnets made");
    public static readonly NumberRange EndOfLifeCollection = R("scrap.end_of_life_collection", 0, 1, "share");
    public static readonly NumberRange Lifetime = R("scrap.lifetime_years", 0, 50, "years");

    // ---- offtakes and price floors ----
    public static readonly NumberRange OfftakeTonnes = R("offtakes.<id>.tonnes_per_year", 0, MaxTonnes, "t/yr");
    public static readonly NumberRange FloorPrice = R("price_floors.<id>.price", 0, MaxPrice, "USD/kg");

    // ---- events (the keys of each type: the Events table above) ----
    public static readonly NumberRange EventApproval = R("events.<n>.approval", 0, 1, "share");
    public static readonly NumberRange EventApprovalByMaterial = R("events.<n>.approval_by_material.<id>", 0, 1, "share");
    public static readonly NumberRange EventDelay = W("events.<n>.delay", 0, 11, "months");
    public static readonly NumberRange EventDuty = R("events.<n>.duty", 0, 10, "share of price");
    public static readonly NumberRange EventQuota = R("events.<n>.tonnes_reo", 0, MaxTonnes, "t REO/yr");
    public static readonly NumberRange EventShare = R("events.<n>.share", 0, 1, "share");
    public static readonly NumberRange EventCapacity = R("events.<n>.capacity", 0, MaxTonnes, "t/yr of activity");
    public static readonly NumberRange EventLead = W("events.<n>.lead_months", 0, MaxMonths, "months");
    public static readonly NumberRange EventRamp = W("events.<n>.ramp_months", 1, MaxMonths, "months");
    public static readonly NumberRange EventStockpileTarget = R("events.<n>.target", 0, MaxTonnes, "t");
    public static readonly NumberRange EventFillRate = R("events.<n>.fill_rate", 0, MaxTonnes, "t/month");
    public static readonly NumberRange EventRndFirms = R("events.<n>.firms", 0, MaxStock, "stock");
    public static readonly NumberRange EventRndSectors = R("events.<n>.sectors", 0, MaxStock, "stock");
    public static readonly NumberRange EventWeight = R("events.<n>.weight", 0, 1, "share of risk_on_control");
    public static readonly NumberRange EventProductionQuota = R("events.<n>.tonnes", 0, MaxTonnes, "t/yr");
    public static readonly NumberRange EventEnforcement = R("events.<n>.level", 0, 1, "share of potential output stopped");

    /// <summary>The range of the key at a concrete dotted path, or null if the path names no ranged key.</summary>
    public static NumberRange? For(string path) => all.FirstOrDefault(r => r.Matches(path));

    /// <summary>
    /// Numbers as docs and messages write them: plain from 0.001 to below a million, else like 1e8. With
    /// <paramref name="exact"/>, a value that would round to another one is written in full.
    /// </summary>
    public static string Format(double x, bool exact = true)
    {
        string s = x == 0 || (Math.Abs(x) >= 1e-3 && Math.Abs(x) < 1e6)
            ? x.ToString("0.######", CultureInfo.InvariantCulture)
            : x.ToString("0.###e0", CultureInfo.InvariantCulture);
        // never round a value to look like another one (1e-6 minus a bit must not read as 1e-6)
        return !exact || double.Parse(s, CultureInfo.InvariantCulture) == x ? s : x.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>The table of docs/scenarios.md, "Number ranges".</summary>
    public static string MarkdownTable()
    {
        var sb = new StringBuilder();
        sb.Append("| key | from | to | unit |\n| --- | --- | --- | --- |\n");
        foreach (var r in all)
        {
            string to = NumberRanges.Format(r.Max) + (r.AtMost is null ? "" : $", and at most `{r.AtMost}`");
            string unit = (r.Whole ? "whole " : "") + (r.Unit.Length > 0 ? r.Unit : "-");
            sb.Append($"| `{r.Key}` | {Format(r.Min)} | {to} | {unit} |\n");
        }
        return sb.ToString();
    }
}
