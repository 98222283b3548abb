namespace RareEarth.Engine.Phases;

/// <summary>
/// Phase 4: trade. For each material in scenario order: offtake deals deliver, strategic stockpiles
/// release to their own country, then a uniform-price call auction clears each of the two price
/// regions (0: the controlling supplier's; 1: the rest). Flows from region 0 to region 1 are capped
/// by the export regime in force (bans, licences approved after their delay, the annual quota), so a
/// binding cap splits one world price into a domestic and a higher outside price. A region-1 country
/// whose imports the controlling exporter restricts, and whose supplier ties cannot make up the rest,
/// splits off into a market of its own with its own price (see MarketPhase.Countries.cs).
/// </summary>
public static partial class MarketPhase
{
    const int SectorBuyer = 0, FirmBuyer = 1, StockpileBuyer = 2;

    public static void Apply(WorldState s)
    {
        PlanQuota(s);
        for (int mat = 0; mat < s.Model.M; mat++) ClearMaterial(s, mat);
    }

    static void ClearMaterial(WorldState s, int mat)
    {
        var m = s.Model;
        BuildBuyers(s, mat);
        DeliverOfftakes(s, mat);
        ReleaseStockpiles(s, mat);
        BuildSellers(s, mat);

        int exporter = Exporter(m);
        double tau = exporter >= 0 ? s.Duty[exporter * m.M + mat] : 0;
        double quotaCap = QuotaCap(s, mat, exporter);
        double lo = m.MinPrice[mat], hi = m.RefPrice[mat] * m.Behaviour.MaxPriceMultiple;

        bool any0 = s.BuyerCount > 0 || s.SellerCount > 0;
        double p0 = 0, p1 = 0, flow = 0;
        ResetSplits(s);
        for (int pass = 0; ; pass++)
        {
            SolveRegions(s, mat, lo, hi, tau, quotaCap, ref p0, ref p1, ref flow);
            // a restricted country's own excess demand is what lifts p1 above the linked price: test it at the price
            // the rest of region 1 would pay, or it would look served at the very price it inflated
            if (pass >= MaxSplitPasses || !DetectSplits(s, mat, Math.Min(p1, p0 * (1 + tau)))) break;
        }
        // a region where nobody bids or offers at its price has no observable price: quote the other region's
        if (!Trades(s, mat, 0, p0)) p0 = Math.Max(lo, p1 / (1 + tau));
        else if (!Trades(s, mat, 1, p1)) p1 = p0 * (1 + tau);
        if (!any0) { p0 = s.Price[mat * 2]; p1 = s.Price[mat * 2 + 1]; }
        Allocate(s, mat, p0, p1, flow, tau, quotaCap, exporter);
        SetCountryPrices(s, mat, p0, p1);
        UpdateTies(s, mat);
        s.PrevPrice[mat * 2] = s.Price[mat * 2];
        s.PrevPrice[mat * 2 + 1] = s.Price[mat * 2 + 1];
        s.Price[mat * 2] = p0;
        s.Price[mat * 2 + 1] = p1;
    }

    /// <summary>The two regions' prices and region 0's net exports, with split-off countries as capped bidders in region 1.</summary>
    static void SolveRegions(WorldState s, int mat, double lo, double hi, double tau, double quotaCap, ref double p0, ref double p1, ref double flow)
    {
        // A: exports from region 0, prices linked by the duty
        p0 = Solve(s, mat, lo, hi, LinkedExport, tau, s.Price[mat * 2], quotaCap);
        p1 = p0 * (1 + tau);
        flow = Excess(s, mat, 1, p1);
        if (flow >= 0 && Restricted(s, mat, quotaCap))
        {
            double cap = ChinaCap(s, mat, p1, quotaCap);
            if (flow > cap)
            {
                // a binding cap can only raise the outside price above the linked one; the excess function
                // is flat at zero where nobody in region 1 offers and the cap exceeds region 1's bids, and
                // the solver must not stop on that segment below the linked price (a one-month drop to min_price)
                p1 = Math.Max(p1, Solve(s, mat, lo, hi, ConstrainedImport, 0, s.Price[mat * 2 + 1], quotaCap));
                flow = ChinaCap(s, mat, p1, quotaCap);
                p0 = Solve(s, mat, lo, hi, RegionWithOutflow, flow, s.Price[mat * 2], 0);
            }
        }
        else if (flow < 0)
        {
            // B: maybe region 1 ships to region 0 (e.g. ore to be separated), no duty on that direction
            // without a duty the linked-import curve is the linked-export one just solved (p1 = p0 · (1 + 0)): same root
            double p = tau == 0 ? p0 : Solve(s, mat, lo, hi, LinkedImport, 0, s.Price[mat * 2], 0);
            double f1 = tau == 0 ? flow : Excess(s, mat, 1, p);
            if (f1 >= 0)
            {
                flow = 0;
                p0 = Solve(s, mat, lo, hi, RegionWithOutflow, 0, s.Price[mat * 2], 0);
                p1 = Solve(s, mat, lo, hi, RegionAlone1, 0, s.Price[mat * 2 + 1], 0);
            }
            else
            {
                p0 = p1 = p; flow = f1;
                double g = InnerCap(s, mat, p);
                if (-flow > g)
                {
                    p1 = Solve(s, mat, lo, hi, ReverseConstrained, 0, s.Price[mat * 2 + 1], 0);
                    flow = -InnerCap(s, mat, p1);
                    p0 = Solve(s, mat, lo, hi, RegionWithOutflow, flow, s.Price[mat * 2], 0);
                }
            }
        }
    }

    // ------------------------------------------------------------------ buyers and sellers

    static void BuildBuyers(WorldState s, int mat)
    {
        var m = s.Model;
        var b = m.Behaviour;
        int n = 0;
        for (int sec = 0; sec < m.S; sec++)
        {
            if (m.SectorMaterial[sec] != mat) continue;
            int c = m.SectorCountry[sec];
            s.BuyerKind[n] = SectorBuyer; s.BuyerIndex[n] = sec; s.BuyerCountry[n] = c;
            s.BuyerRegion[n] = m.CountryRegion[c];
            s.BuyerNeed[n] = s.SectorNeed[sec];
            s.BuyerStock[n] = s.SectorStock[sec];
            s.BuyerCover[n] = m.SectorCoverage[sec] * (1 + m.HoardingGain[c] * s.Risk[c]);
            s.BuyerChoke[n] = m.SectorChokeMultiple[sec] * m.RefPrice[mat];
            s.BuyerChokeRef[n] = m.RefPrice[mat];
            WillingnessToPay.ForSector(s, n, sec);
            s.BuyerElasticity[n] = m.SectorElasticity[sec];
            n++;
        }
        foreach (int f in m.FirmsUsing(mat))
        {
            var proc = m.Processes[m.FirmProcess[f]];
            double coef = ProductionPhase.InputCoefficient(s, f, proc, mat);
            if (coef <= 0) continue;
            int c = m.FirmCountry[f];
            bool holder = ProductionPhase.IsStockholder(m, f); // speculators bid by their own rule (like a stockpile: less as the price rises)
            double want = 0, limit = 0;
            if (holder && !Speculators.Bid(s, f, mat, out want, out limit)) continue;
            double monthly = Math.Max(s.Planned[f], s.Utilisation[f] * s.Capacity[f] / 12.0);
            s.BuyerKind[n] = FirmBuyer; s.BuyerIndex[n] = f; s.BuyerCountry[n] = c;
            s.BuyerRegion[n] = m.CountryRegion[c];
            s.BuyerNeed[n] = holder ? want : monthly * coef;
            s.BuyerStock[n] = holder ? 0 : s.Inventory[f * m.M + mat];
            s.BuyerCover[n] = holder ? 0 : m.FirmInputCoverage[f] * (1 + m.HoardingGain[c] * s.Risk[c]);
            s.BuyerChoke[n] = holder ? limit : m.FirmChokeMultiple[f] * m.RefPrice[mat];
            s.BuyerChokeRef[n] = holder ? 0 : m.RefPrice[mat];
            // a stockholder buys less as soon as the price rises, up to its limit (as a stockpile)
            if (holder) { s.BuyerProductElasticity[n] = WillingnessToPay.Stockpile; s.BuyerReservation[n] = double.PositiveInfinity; }
            else WillingnessToPay.ForFirm(s, n, proc, mat, coef);
            s.BuyerElasticity[n] = holder ? 1.0 : b.FirmElasticity;
            n++;
        }
        for (int c = 0; c < m.C; c++)
        {
            int k = c * m.M + mat;
            double room = s.StockpileTarget[k] - s.Stockpile[k];
            if (room <= 1e-9 || s.StockpileFill[k] <= 0) continue;
            s.BuyerKind[n] = StockpileBuyer; s.BuyerIndex[n] = c; s.BuyerCountry[n] = c;
            s.BuyerRegion[n] = m.CountryRegion[c];
            s.BuyerNeed[n] = Math.Min(room, s.StockpileFill[k]);
            s.BuyerStock[n] = 0;
            s.BuyerCover[n] = 0;
            s.BuyerChoke[n] = m.StockpileMaxPriceMultiple[k] * m.RefPrice[mat];
            s.BuyerChokeRef[n] = 0; // a stockpile buys less as soon as the price rises
            s.BuyerProductElasticity[n] = WillingnessToPay.Stockpile;
            s.BuyerReservation[n] = double.PositiveInfinity;
            s.BuyerElasticity[n] = 1.0;
            n++;
        }
        s.ClassCount = 0;
        for (int i = 0; i < n; i++)
        {
            s.BuyerMarket[i] = s.BuyerRegion[i];
            s.BuyerBought[i] = 0; s.BuyerOfftake[i] = 0;
            int k = 0;
            while (k < s.ClassCount && s.ClassElasticity[k] != s.BuyerElasticity[i]) k++;
            if (k == s.ClassCount) s.ClassElasticity[s.ClassCount++] = s.BuyerElasticity[i];
            s.BuyerClass[i] = k;
        }
        s.BuyerCount = n;
    }

    /// <summary>What a buyer still wants at normal prices: this month's need plus the gap to its target stock.</summary>
    static double Gap(WorldState s, int i) =>
        s.BuyerNeed[i] + Math.Max(0, s.BuyerCover[i] * s.BuyerNeed[i] - s.BuyerStock[i]) / s.Model.Behaviour.RestockMonths;

    static void BuildSellers(WorldState s, int mat)
    {
        var m = s.Model;
        var b = m.Behaviour;
        int n = 0;
        // each region-1 country's share of region-1 buyers' gap: the part a seller can sell at home
        Array.Clear(s.CountryDemandScratch);
        double gap1 = 0;
        for (int i = 0; i < s.BuyerCount; i++)
            if (s.BuyerRegion[i] == 1) { double g = Gap(s, i); s.CountryDemandScratch[s.BuyerCountry[i]] += g; gap1 += g; }
        int inner = FirstCountryOfRegion(m, 0);
        Array.Fill(s.CrossShareScratch, double.NaN);
        foreach (int f in m.FirmsMaking(mat)) // firms sell only what they make
        {
            double avail = s.Inventory[f * m.M + mat];
            if (avail <= 1e-12) continue;
            int c = m.FirmCountry[f];
            int region = m.CountryRegion[c];
            double pe = s.Expected[mat * 2 + region];
            double costToRevenue = Math.Clamp(1.0 / (1.0 + s.Margin[f]), 0, 3); // full cost over expected revenue
            double ask = Math.Max(Math.Max(m.MinPrice[mat], m.HandlingCost[mat]), pe * Math.Max(b.SellerReserve, costToRevenue));
            if (ProductionPhase.IsStockholder(m, f) && !Speculators.Offer(s, f, mat, out avail, out ask)) continue; // speculators: own rule
            double factor = 1;
            if (region == 1)
            {
                double home = gap1 > 0 ? s.CountryDemandScratch[c] / gap1 : 1;
                // with at most one embedded-content rule in force the share depends on the country and on whether the
                // firm's stock is above the rule's threshold only: computed once per country and side
                double cross;
                if (s.RuleCountryCount > 1) cross = CrossBorderShare(s, c, mat, f);
                else
                {
                    int key = s.RuleCountryCount == 1 && s.InventoryCn[f * m.M + mat] > s.EmbeddedShare[s.RuleCountries[0]] ? m.C + c : c;
                    if (double.IsNaN(cross = s.CrossShareScratch[key])) cross = s.CrossShareScratch[key] = CrossBorderShare(s, c, mat, f);
                }
                factor = home + (1 - home) * cross;
            }
            s.SellerFirm[n] = f; s.SellerAvail[n] = avail * factor; s.SellerAsk[n] = ask; s.SellerRegion[n] = region;
            s.SellerInner[n] = region == 1 && inner >= 0 ? RulesPhase.AllowedShare(s, c, mat, inner) : 1;
            s.SellerSold[n] = 0;
            s.SellerMarket[n] = region;
            n++;
        }
        s.SellerCount = n;
    }

    /// <summary>
    /// Share of a region-1 seller's offer that may cross a border, as a mean over the other region-1
    /// destinations: its own country's export regime to each, times the embedded-content rule's share
    /// for each (<see cref="EmbeddedRuleShare"/>).
    /// </summary>
    static double CrossBorderShare(WorldState s, int c, int mat, int f)
    {
        var m = s.Model;
        double sum = 0; int count = 0;
        for (int d = 0; d < m.C; d++)
        {
            if (d == c || m.CountryRegion[d] != 1) continue;
            sum += RulesPhase.AllowedShare(s, c, mat, d) * EmbeddedRuleShare(s, f, mat, d);
            count++;
        }
        return count > 0 ? sum / count : 1;
    }

    /// <summary>
    /// Share of firm f's stock of a material that may go to destination d under region-0 countries' rules on
    /// foreign goods embedding their controlled content: their approval rate for d when the stock carries more
    /// region-0 content than the rule's threshold, else 1.
    /// </summary>
    static double EmbeddedRuleShare(WorldState s, int f, int mat, int d)
    {
        if (s.RuleCountryCount == 0) return 1;
        double share = 1, cn = s.InventoryCn[f * s.Model.M + mat];
        for (int r = 0; r < s.RuleCountryCount; r++)
        {
            int x = s.RuleCountries[r];
            if (cn > s.EmbeddedShare[x]) share *= RulesPhase.AllowedShare(s, x, mat, d);
        }
        return share;
    }

    // ------------------------------------------------------------------ deliveries outside the auction

    static void DeliverOfftakes(WorldState s, int mat)
    {
        var m = s.Model;
        for (int o = 0; o < m.OfftakeIds.Length; o++)
        {
            if (m.OfftakeMaterial[o] != mat || s.OfftakeBroken[o]) continue;
            if (s.Month < m.OfftakeStart[o] || s.Month >= m.OfftakeEnd[o]) continue;
            int f = m.OfftakeFirm[o], d = m.OfftakeBuyer[o], c = m.FirmCountry[f];
            double allowed = c == d ? 1 : RulesPhase.AllowedShare(s, c, mat, d);
            if (s.Regime[(c * m.M + mat) * m.C + d] == RegimeKind.Ban) { s.OfftakeBroken[o] = true; continue; }
            int fi = f * m.M + mat;
            double q = Math.Min(m.OfftakeTonnesPerMonth[o] * allowed, s.Inventory[fi]);
            double cn = s.InventoryCn[fi];
            double delivered = DeliverToCountry(s, mat, d, q, cn, fromRegion0: m.CountryRegion[c] == 0, origin: c);
            s.Inventory[fi] -= delivered;
            double value = delivered * s.Expected[mat * 2 + m.CountryRegion[d]] * 1000;
            s.FirmRevenue[f] += value;
            if (c != d) s.ExportRevenue[c] += value;
        }
    }

    static void ReleaseStockpiles(WorldState s, int mat)
    {
        var m = s.Model;
        for (int c = 0; c < m.C; c++)
        {
            int k = c * m.M + mat;
            if (s.Stockpile[k] <= 0) continue;
            // released when the country's users ran short last month, or when its market price stood at a multiple of
            // what it considers normal (its long-run expectation): the agency sells into a supply disruption before the
            // users' own stocks are gone (Korea's emergency release within 8 days [WF 8])
            double threshold = m.StockpileReleaseShortage[k], trigger = m.StockpileReleasePrice[k];
            int ck = mat * m.C + c;
            bool shortage = threshold > 0 && s.LastShortageShare[k] >= threshold;
            bool price = trigger > 0 && s.Month > 0 && s.CountryPrice[ck] >= trigger * s.ExpectedLongCountry[ck];
            if (!shortage && !price) continue;
            double q = Math.Min(s.Stockpile[k], m.StockpileReleaseRate[k]);
            double delivered = DeliverToCountry(s, mat, c, q, s.StockpileCn[k], fromRegion0: false, origin: -1);
            s.Stockpile[k] -= delivered;
            s.StockpileRelease[k] += delivered;
        }
    }

    /// <summary>Gives up to q tonnes to a country's buyers in proportion to their gaps. Returns what was delivered.</summary>
    static double DeliverToCountry(WorldState s, int mat, int country, double q, double cn, bool fromRegion0, int origin)
    {
        if (q <= 0) return 0;
        double total = 0;
        for (int i = 0; i < s.BuyerCount; i++)
            if (s.BuyerCountry[i] == country && s.BuyerKind[i] != StockpileBuyer) total += Gap(s, i);
        if (total <= 0) return 0;
        q = Math.Min(q, total);
        for (int i = 0; i < s.BuyerCount; i++)
        {
            if (s.BuyerCountry[i] != country || s.BuyerKind[i] == StockpileBuyer) continue;
            double qi = q * Gap(s, i) / total;
            Receive(s, mat, i, qi, cn, fromRegion0 ? qi : 0, countAsSupply: origin >= 0);
            s.BuyerStock[i] += qi;
            s.BuyerOfftake[i] += qi;
            if (origin >= 0) s.Trade[(origin * s.Model.M + mat) * s.Model.C + country] += qi;
        }
        return q;
    }

    /// <summary>Puts tonnes into the buyer's own stock, mixing the origin content share.</summary>
    static void Receive(WorldState s, int mat, int i, double q, double cn, double fromRegion0, bool countAsSupply)
    {
        if (q <= 0) return;
        var m = s.Model;
        int c = s.BuyerCountry[i], idx = s.BuyerIndex[i];
        switch (s.BuyerKind[i])
        {
            case SectorBuyer: ProductionPhase.MixInto(ref s.SectorStock[idx], ref s.SectorStockCn[idx], q, cn); break;
            case FirmBuyer: ProductionPhase.MixInto(ref s.Inventory[idx * m.M + mat], ref s.InventoryCn[idx * m.M + mat], q, cn); break;
            default:
                ProductionPhase.MixInto(ref s.Stockpile[c * m.M + mat], ref s.StockpileCn[c * m.M + mat], q, cn);
                s.StockpileBuy[c * m.M + mat] += q;
                break;
        }
        if (!countAsSupply) return;
        int k = c * m.M + mat;
        s.Acquired[k] += q;
        s.AcquiredFromCn[k] += fromRegion0;
        s.AcquiredCnEmbedded[k] += q * cn;
    }

    // ------------------------------------------------------------------ demand and supply curves

    /// <summary>
    /// Prepares the bids of region <paramref name="region"/>'s buyers at price p: the price-sensitive factors
    /// (p / p̂)^(−ε) of each elasticity class, and returns the restocking factor (p / p̂)^(−ε_stock).
    /// </summary>
    static double PriceFactors(WorldState s, int mat, int region, double p) => PriceFactors(s, region, p, s.Expected[mat * 2 + region]);

    /// <summary>
    /// As above against the expected price <paramref name="expected"/>; the restocking factor against
    /// <paramref name="normal"/> (by default the same expectation).
    /// </summary>
    static double PriceFactors(WorldState s, int region, double p, double expected, double normal = double.NaN)
    {
        double logRel = Math.Log(p / expected);
        for (int k = 0; k < s.ClassCount; k++)
        {
            double e = s.ClassElasticity[k];
            s.ClassFactor[k * 2 + region] = e == 0 ? 1 : Math.Exp(-e * logRel);
        }
        if (!double.IsNaN(normal)) logRel = Math.Log(p / normal);
        return Math.Exp(-s.Model.Behaviour.StockElasticity * logRel);
    }

    /// <summary>
    /// The price factors of split-off country d's own market: its buyers' use against what they expect in their own
    /// market (not in the pool they left), their restocking against their market's long-run (normal) price: a buyer
    /// cut off for months comes to expect its high price for what it uses, but does not rebuild the stock it holds
    /// to ride out a shortage at that price.
    /// </summary>
    static double OwnMarketFactors(WorldState s, int mat, int d, double p)
    {
        int k = mat * s.Model.C + d;
        return PriceFactors(s, 1, p, s.ExpectedCountry[k], s.ExpectedLongCountry[k]);
    }

    /// <summary>
    /// Quantity buyer i bids for at price p: inelastic use plus a price-sensitive restock, choked off near its top price.
    /// Needs <see cref="PriceFactors"/> for the buyer's region at p, which returned <paramref name="stockFactor"/>.
    /// </summary>
    static double Bid(WorldState s, int i, double p, double stockFactor)
    {
        double chokeFactor = WillingnessToPay.Factor(s, i, p);
        if (chokeFactor <= 0) return 0;
        double use = s.BuyerNeed[i] * s.ClassFactor[s.BuyerClass[i] * 2 + s.BuyerRegion[i]];
        double target = s.BuyerCover[i] * s.BuyerNeed[i] * stockFactor;
        double gap = target - s.BuyerStock[i];
        // stock above its target is drawn down over restock_months at normal prices, faster as the price rises above
        // them (stockFactor < 1): a holder does not buy at a multiple of the normal price what it can take from stock
        // (competitive storage: Williams and Wright 1991). stockFactor falls with p, so the bid still falls with p.
        double months = s.Model.Behaviour.RestockMonths;
        if (gap < 0 && stockFactor < 1) months = 1 + (months - 1) * stockFactor;
        return Math.Max(0, (use + gap / months) * chokeFactor);
    }

    /// <summary>
    /// Demand destruction: 1 up to the reference price, falling as 1 - x^k with
    /// x = (p - ref) / (choke - ref), and 0 from the choke price up.
    /// </summary>
    public static double ChokeFactor(Model m, double p, double reference, double choke)
    {
        if (p <= reference) return 1;
        if (p >= choke) return 0;
        double x = (p - reference) / (choke - reference);
        double k = m.Behaviour.ChokeExponent;
        return 1 - (k == 2 ? x * x : Math.Pow(x, k));
    }

    static double Offer(WorldState s, int j, double p)
    {
        double spread = s.Model.Behaviour.OfferSpread;
        double x = (p / s.SellerAsk[j] - (1 - spread / 2)) / spread;
        return s.SellerAvail[j] * Math.Clamp(x, 0, 1);
    }

    static double Demand(WorldState s, int mat, int region, double p)
    {
        double stockFactor = PriceFactors(s, mat, region, p);
        double sum = 0;
        for (int i = 0; i < s.BuyerCount; i++) if (s.BuyerMarket[i] == region) sum += Bid(s, i, p, stockFactor);
        if (region == 1 && s.AnySplit) sum += SplitDemand(s, p, stockFactor);
        return sum;
    }

    static double Supply(WorldState s, int region, double p)
    {
        double sum = 0;
        for (int j = 0; j < s.SellerCount; j++) if (s.SellerMarket[j] == region) sum += Offer(s, j, p);
        return sum;
    }

    static double Excess(WorldState s, int mat, int region, double p) => Demand(s, mat, region, p) - Supply(s, region, p);

    /// <summary>World excess demand with region 0 at p0 and region 1 at p1, in one pass over buyers and sellers.</summary>
    static double TotalExcess(WorldState s, int mat, double p0, double p1)
    {
        double f0 = PriceFactors(s, mat, 0, p0), f1 = PriceFactors(s, mat, 1, p1);
        double sum = 0;
        for (int i = 0; i < s.BuyerCount; i++)
        {
            int market = s.BuyerMarket[i];
            if (market < 2) sum += market == 0 ? Bid(s, i, p0, f0) : Bid(s, i, p1, f1);
        }
        for (int j = 0; j < s.SellerCount; j++)
        {
            int market = s.SellerMarket[j];
            if (market < 2) sum -= Offer(s, j, market == 0 ? p0 : p1);
        }
        if (s.AnySplit) sum += SplitDemand(s, p1, f1);
        return sum;
    }

    /// <summary>Most region 0 may ship to region 1 at outside price p: per destination the smaller of its allowance and its bid, all under the quota.</summary>
    static double ChinaCap(WorldState s, int mat, double p, double quotaCap)
    {
        CountryBids1(s, mat, p);
        return CapFromCountryBids(s, mat, quotaCap);
    }

    /// <summary>Region 1's excess demand at p less what region 0 may ship to it there (<see cref="ChinaCap"/>): the pooled
    /// buyers' bids are computed once for both (the same numbers as <see cref="Excess"/> and <see cref="ChinaCap"/>).</summary>
    static double ConstrainedImportExcess(WorldState s, int mat, double p, double quotaCap)
    {
        double stockFactor = PriceFactors(s, mat, 1, p);
        double demand = 0;
        for (int i = 0; i < s.BuyerCount; i++) if (s.BuyerMarket[i] == 1) demand += s.BuyerBidAt[i] = Bid(s, i, p, stockFactor);
        if (s.AnySplit) demand += SplitDemand(s, p, stockFactor);
        double excess = demand - Supply(s, 1, p);
        SumCountryBids1(s);
        return excess - CapFromCountryBids(s, mat, quotaCap);
    }

    static double CapFromCountryBids(WorldState s, int mat, double quotaCap)
    {
        var m = s.Model;
        double cap = 0;
        for (int d = 0; d < m.C; d++)
            if (m.CountryRegion[d] == 1) cap += Math.Min(s.Allowance[mat * m.C + d], s.CountryDemandScratch[d]);
        return Math.Min(cap, quotaCap);
    }

    /// <summary>Most region 1 sellers may ship to region 0 at price p under their own export regimes.</summary>
    static double InnerCap(WorldState s, int mat, double p)
    {
        double sum = 0;
        for (int j = 0; j < s.SellerCount; j++) if (s.SellerMarket[j] == 1) sum += s.SellerInner[j] * Offer(s, j, p);
        return sum;
    }

    // excess-demand functions for the solver, all decreasing in p
    const int LinkedExport = 0, ConstrainedImport = 1, RegionWithOutflow = 2, LinkedImport = 3, RegionAlone1 = 4, ReverseConstrained = 5, OwnMarket = 6;

    static double Evaluate(WorldState s, int mat, int kind, double p, double a, double quotaCap) => kind switch
    {
        LinkedExport => TotalExcess(s, mat, p, p * (1 + a)),
        ConstrainedImport => ConstrainedImportExcess(s, mat, p, quotaCap),
        RegionWithOutflow => Excess(s, mat, 0, p) + a,
        LinkedImport => TotalExcess(s, mat, p, p),
        RegionAlone1 => Excess(s, mat, 1, p),
        ReverseConstrained => Excess(s, mat, 1, p) + InnerCap(s, mat, p),
        _ => OwnMarketExcess(s, mat, (int)a, p),
    };

    /// <summary>
    /// Root of a decreasing excess-demand function in log price, by the Illinois variant of regula
    /// falsi (always bracketed, so as safe as bisection on kinked curves, and much faster), to a
    /// relative price tolerance of 1e-4, starting from a bracket around a guess (last month's price).
    /// </summary>
    /// <summary>Half-width (as a price ratio) of the first bracket around last month's price; it is cubed at each widening.</summary>
    const double InitialBracket = 1.02;

    static double Solve(WorldState s, int mat, double lo, double hi, int kind, double a, double guess, double quotaCap)
    {
        // bracket tightly around last month's price first (most months move little), widening fast if the root is outside
        double g = Math.Clamp(guess, lo, hi), r = InitialBracket;
        double blo = Math.Max(lo, g / r), bhi = Math.Min(hi, g * r);
        double flo = Evaluate(s, mat, kind, blo, a, quotaCap);
        while (flo <= 0 && blo > lo) { bhi = blo; r *= r * r; blo = Math.Max(lo, blo / r); flo = Evaluate(s, mat, kind, blo, a, quotaCap); }
        if (flo <= 0) return lo;
        double fhi = Evaluate(s, mat, kind, bhi, a, quotaCap);
        while (fhi >= 0 && bhi < hi) { blo = bhi; flo = fhi; r *= r * r; bhi = Math.Min(hi, bhi * r); fhi = Evaluate(s, mat, kind, bhi, a, quotaCap); }
        if (fhi >= 0) return hi;
        double x0 = Math.Log(blo), x1 = Math.Log(bhi);
        double small = 1e-7 * (flo - fhi); // quantities within this of zero count as cleared
        int side = 0;
        for (int it = 0; it < 100 && x1 - x0 > 1e-4; it++)
        {
            double x = (x0 * fhi - x1 * flo) / (fhi - flo);
            if (!(x > x0 && x < x1)) x = 0.5 * (x0 + x1);
            double fx = Evaluate(s, mat, kind, Math.Exp(x), a, quotaCap);
            if (Math.Abs(fx) <= small) return Math.Exp(x);
            if (fx > 0)
            {
                x0 = x; flo = fx;
                if (side == -1) fhi *= 0.5;
                side = -1;
            }
            else if (fx < 0)
            {
                x1 = x; fhi = fx;
                if (side == 1) flo *= 0.5;
                side = 1;
            }
            else return Math.Exp(x);
        }
        return Math.Exp(0.5 * (x0 + x1));
    }

    // ------------------------------------------------------------------ allocation

    static void Allocate(WorldState s, int mat, double p0, double p1, double flow, double tau, double quotaCap, int exporter)
    {
        var m = s.Model;
        int C = m.C;
        // every pooled buyer's bid at its region's clearing price, once (the totals, the country shares and the buyers'
        // shares below all read these; summed in the same order as Demand, so the totals are the same numbers)
        double stock0 = PriceFactors(s, mat, 0, p0), y0 = 0;
        for (int i = 0; i < s.BuyerCount; i++) if (s.BuyerMarket[i] == 0) y0 += s.BuyerBidAt[i] = Bid(s, i, p0, stock0);
        double stock1 = PriceFactors(s, mat, 1, p1), y1 = 0;
        for (int i = 0; i < s.BuyerCount; i++) if (s.BuyerMarket[i] == 1) y1 += s.BuyerBidAt[i] = Bid(s, i, p1, stock1);
        if (s.AnySplit) y1 += SplitDemand(s, p1, stock1);
        // every pooled seller's offer at its region's price, once (summed in the same order as Supply)
        double x0 = 0, x1 = 0;
        for (int j = 0; j < s.SellerCount; j++)
        {
            int r = s.SellerMarket[j];
            if (r == 0) x0 += s.SellerOfferAt[j] = Offer(s, j, p0);
            else if (r == 1) x1 += s.SellerOfferAt[j] = Offer(s, j, p1);
        }
        double exp01 = 0, exp10 = 0, sold0, sold1, recv0From0, recv0From1 = 0, recv1From1;
        if (flow >= 0)
        {
            exp01 = Math.Max(0, Math.Min(flow, Math.Min(y1, x0)));
            recv1From1 = Math.Max(0, Math.Min(x1, y1 - exp01));
            recv0From0 = Math.Max(0, Math.Min(y0, x0 - exp01));
            sold0 = exp01 + recv0From0; sold1 = recv1From1;
        }
        else
        {
            exp10 = Math.Max(0, Math.Min(-flow, Math.Min(y0, x1)));
            recv1From1 = Math.Max(0, Math.Min(y1, x1 - exp10));
            recv0From0 = Math.Max(0, Math.Min(x0, y0 - exp10));
            recv0From1 = exp10;
            sold0 = recv0From0; sold1 = exp10 + recv1From1;
        }
        if (exporter >= 0 && exp01 > 0) s.QuotaUsed[exporter] += exp01 * m.ReoContent[mat];

        // sellers of the two regions' markets: pro rata to their offers at their region's price; origin shares by country
        Array.Clear(s.RegionCountrySold);
        double cn1Sold = 0;
        for (int j = 0; j < s.SellerCount; j++)
        {
            int r = s.SellerMarket[j];
            if (r == 2) continue; // sells in its country's own market (AllocateSplitMarkets)
            double p = r == 0 ? p0 : p1, total = r == 0 ? x0 : x1, sold = r == 0 ? sold0 : sold1;
            double q = total > 0 ? s.SellerOfferAt[j] / total * sold : 0;
            int f = s.SellerFirm[j], c = m.FirmCountry[f], fi = f * m.M + mat;
            q = Math.Min(q, s.Inventory[fi]);
            s.SellerSold[j] = q;
            s.RegionCountrySold[r * C + c] += q;
            if (r == 1) cn1Sold += q * s.InventoryCn[fi];
            double exportShare = r == 0 ? (sold0 > 0 ? exp01 / sold0 : 0) : (sold1 > 0 ? exp10 / sold1 : 0);
            double revenue = q * (1 - exportShare) * p + q * exportShare * (r == 0 ? p1 / (1 + tau) : p0);
            SellerEarns(s, j, mat, q, p, revenue);
        }
        double cn1 = sold1 > 0 ? cn1Sold / Math.Max(1e-300, SumRegion(s.RegionCountrySold, 1, C)) : 0;
        double soldReal0 = SumRegion(s.RegionCountrySold, 0, C), soldReal1 = SumRegion(s.RegionCountrySold, 1, C);
        // rescale the buyers' side to what sellers actually handed over (exact mass balance)
        double scale0 = sold0 > 0 ? soldReal0 / sold0 : 0, scale1 = sold1 > 0 ? soldReal1 / sold1 : 0;
        exp01 *= scale0; recv0From0 *= scale0; exp10 *= scale1; recv1From1 *= scale1; recv0From1 = exp10;

        // licence applications filed this month: what each country's buyers need at normal prices
        for (int d = 0; d < C; d++) s.DesiredHistory[(d * m.M + mat) * 12 + s.Month % 12] = 0;
        for (int i = 0; i < s.BuyerCount; i++)
            s.DesiredHistory[(s.BuyerCountry[i] * m.M + mat) * 12 + s.Month % 12] += Gap(s, i) + s.BuyerOfftake[i];

        // region-1 countries: first what their own sellers sold (home before imports), then region-0 goods per
        // destination (allowance-capped, in proportion to the need left), the rest from region-1 sellers elsewhere
        // (a split-off country at most its ties' worth)
        Array.Clear(s.CountryRecv);
        CountryBids1At(s, p1, stock1);
        double homeSum = 0;
        for (int d = 0; d < C; d++)
        {
            s.HomeTake[d] = m.CountryRegion[d] == 1 ? Math.Min(s.RegionCountrySold[C + d], s.CountryDemandScratch[d]) : 0;
            homeSum += s.HomeTake[d];
        }
        if (homeSum > recv1From1) { for (int d = 0; d < C; d++) s.HomeTake[d] *= recv1From1 / homeSum; homeSum = recv1From1; }
        double wSum = 0, wSumAll = 0;
        for (int d = 0; d < C; d++)
        {
            if (m.CountryRegion[d] != 1) continue;
            wSum += Math.Min(s.Allowance[mat * C + d], s.CountryDemandScratch[d] - s.HomeTake[d]);
            wSumAll += Math.Min(s.Allowance[mat * C + d], s.CountryDemandScratch[d]);
        }
        // if the needs left after home supply cannot take region 0's goods, fall back to whole bids
        bool homeFirst = wSum >= exp01 * (1 - 1e-9);
        if (!homeFirst) { Array.Clear(s.HomeTake); homeSum = 0; wSum = wSumAll; }
        double residualSum = 0;
        for (int d = 0; d < C; d++)
        {
            if (m.CountryRegion[d] != 1) continue;
            double w = Math.Min(s.Allowance[mat * C + d], s.CountryDemandScratch[d] - s.HomeTake[d]);
            double fromCn = wSum > 0 ? exp01 * w / wSum : 0;
            s.CountryRecv[0 * C + d] = fromCn;
            residualSum += Residual1(s, d, fromCn + s.HomeTake[d]);
        }
        double foreign1 = Math.Max(0, recv1From1 - homeSum);
        for (int d = 0; d < C; d++)
        {
            if (m.CountryRegion[d] != 1) continue;
            double residual = Residual1(s, d, s.CountryRecv[d] + s.HomeTake[d]);
            s.CountryRecv[1 * C + d] = s.HomeTake[d] + (residualSum > 0 ? foreign1 * residual / residualSum : 0);
        }

        // origins of region-1 goods: each country's own first, then split-off countries take clean goods, the
        // pool's buyers the rest
        for (int o = 0; o < C; o++) s.PoolLeft[o] = Math.Max(0, s.RegionCountrySold[C + o] - s.HomeTake[o]);
        if (s.AnySplit) AttributeSplitOrigins(s, mat, p1);
        double poolLeft = SumRegion(s.PoolLeft, 0, C);
        // the origins AddTrade books from (those that sold anything), once for all buyers
        var from0 = s.OriginsScratch.AsSpan(0, Origins(s.RegionCountrySold.AsSpan(0, C), s.OriginsScratch.AsSpan(0, C)));
        var fromPool = s.OriginsScratch.AsSpan(C, Origins(s.PoolLeft, s.OriginsScratch.AsSpan(C, C)));

        // buyers of the two regions' markets: within a country pro rata to their bids; origin content mixed by source
        for (int i = 0; i < s.BuyerCount; i++)
        {
            int c = s.BuyerCountry[i], r = s.BuyerMarket[i];
            if (r == 2) continue;
            double q0, q1, qHome = 0;
            if (r == 0)
            {
                double bid = s.BuyerBidAt[i];
                double share = y0 > 0 ? bid / y0 : 0;
                q0 = recv0From0 * share; q1 = recv0From1 * share;
            }
            else
            {
                double bid = s.BuyerBidAt[i];
                double cd = s.CountryDemandScratch[c];
                double share = cd > 0 ? bid / cd : 0;
                q0 = s.CountryRecv[c] * share; q1 = s.CountryRecv[C + c] * share;
                qHome = s.HomeTake[c] * share;
            }
            double q = q0 + q1;
            if (q <= 0) continue;
            double cn = (q0 * 1.0 + q1 * cn1) / q;
            BuyerPays(s, mat, i, q, cn, q0, r == 0 ? p0 : p1);
            // bilateral trade: each source region's goods split over its seller countries (home goods at home)
            AddTrade(s, mat, s.RegionCountrySold.AsSpan(0, C), from0, c, q0, soldReal0);
            if (qHome > 0) s.Trade[(c * m.M + mat) * C + c] += qHome;
            AddTrade(s, mat, s.PoolLeft, fromPool, c, q1 - qHome, poolLeft);
        }
        // export revenue of the controlling region's countries (duty included) and of region-1 sellers to region 0
        for (int c = 0; c < C; c++)
        {
            if (m.CountryRegion[c] == 0 && soldReal0 > 0) s.ExportRevenue[c] += exp01 * s.RegionCountrySold[c] / soldReal0 * p1 * 1000;
        }
        if (s.AnySplit) AllocateSplitMarkets(s, mat, p1, soldReal0);
    }

    /// <summary>A seller's takings: revenue, the price-floor top-up its government pays, and the stock it hands over.</summary>
    static void SellerEarns(WorldState s, int j, int mat, double q, double p, double revenue)
    {
        var m = s.Model;
        int f = s.SellerFirm[j], c = m.FirmCountry[f];
        s.FirmRevenue[f] += revenue * 1000;
        double floor = ProductionPhase.FloorFor(s, f, mat);
        if (floor > p) s.FiscalCost[c] += (floor - p) * q * 1000;
        s.Inventory[f * m.M + mat] -= q;
    }

    /// <summary>A buyer receives q tonnes at price p: stock, supply statistics, cost above base and, for stockpiles, fiscal cost.</summary>
    static void BuyerPays(WorldState s, int mat, int i, double q, double cn, double fromRegion0, double p)
    {
        int c = s.BuyerCountry[i];
        Receive(s, mat, i, q, cn, fromRegion0, countAsSupply: true);
        s.BuyerBought[i] += q;
        s.ExtraCost[c] += q * (p - s.BasePrice[mat * 2 + s.BuyerRegion[i]]) * 1000;
        if (s.BuyerKind[i] == StockpileBuyer) s.FiscalCost[c] += q * p * 1000;
    }

    /// <summary>Books q tonnes to destination dest as trade from each origin in proportion to what it sold (<paramref name="sold"/>, summing to total).</summary>
    static void AddTrade(WorldState s, int mat, ReadOnlySpan<double> sold, int dest, double q, double total)
    {
        if (q <= 0 || total <= 0) return;
        var m = s.Model;
        int C = m.C;
        for (int o = 0; o < C; o++)
            if (sold[o] > 0) s.Trade[(o * m.M + mat) * C + dest] += q * sold[o] / total;
    }

    /// <summary>As above over <paramref name="origins"/>, the indices with <c>sold[o] &gt; 0</c> in ascending order (<see cref="Origins"/>).</summary>
    static void AddTrade(WorldState s, int mat, ReadOnlySpan<double> sold, ReadOnlySpan<int> origins, int dest, double q, double total)
    {
        if (q <= 0 || total <= 0) return;
        int M = s.Model.M, C = s.Model.C;
        foreach (int o in origins) s.Trade[(o * M + mat) * C + dest] += q * sold[o] / total;
    }

    /// <summary>Writes the indices with <c>sold[o] &gt; 0</c>, ascending, into <paramref name="into"/>; returns how many.</summary>
    static int Origins(ReadOnlySpan<double> sold, Span<int> into)
    {
        int n = 0;
        for (int o = 0; o < sold.Length; o++) if (sold[o] > 0) into[n++] = o;
        return n;
    }

    static double SumRegion(double[] a, int r, int C)
    {
        double sum = 0;
        for (int c = 0; c < C; c++) sum += a[r * C + c];
        return sum;
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>True when a quota or any destination's allowance may cap region 0's exports of this material.</summary>
    static bool Restricted(WorldState s, int mat, double quotaCap)
    {
        if (!double.IsPositiveInfinity(quotaCap)) return true;
        int C = s.Model.C;
        for (int d = 0; d < C; d++) if (!double.IsPositiveInfinity(s.Allowance[mat * C + d])) return true;
        return false;
    }

    // offers first: they are cheap, and where anyone offers the bids need not be computed
    static bool Trades(WorldState s, int mat, int region, double p) =>
        Supply(s, region, p) > 1e-9 || Demand(s, mat, region, p) > 1e-9;

    static int Exporter(Model m) => FirstCountryOfRegion(m, 0);

    static int FirstCountryOfRegion(Model m, int region)
    {
        for (int c = 0; c < m.C; c++) if (m.CountryRegion[c] == region) return c;
        return -1;
    }
}
