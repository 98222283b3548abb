namespace RareEarth.Engine.Phases;

/// <summary>
/// Markets per country. Region 1 clears as one pooled market while goods can reroute freely; a country
/// whose imports the controlling exporter restricts (a finite allowance for it) cannot replace them at
/// will: its imports from region-1 suppliers in other countries are limited by its supplier ties (the
/// average of such imports over the last <c>supplier_tie_months</c>, plus <c>supplier_tie_headroom</c>
/// of contract flexibility) and by the new suppliers it has qualified (growing by its unmet need over the
/// material's <c>qualification_months</c>) plus its bids for the spot part of other suppliers' sales
/// (1 − <c>supplier_contract_share</c>), and only goods that pass the controlling country's rules for
/// it may reach it (its approval rate for goods embedding controlled content). When its net need at the
/// pooled price exceeds that cap, its market splits off: its buyers and sellers trade at its own price,
/// it bids in the pool for at most the cap, and what it pays above the pooled price is the premium on
/// rerouted goods. Two price regions are the special case with no country split off.
/// </summary>
public static partial class MarketPhase
{
    /// <summary>Times the pooled market is re-solved with newly split-off countries before the month moves on.</summary>
    const int MaxSplitPasses = 3;
    /// <summary>A split-off market rejoins the pool when its net need falls below this share of its import cap.</summary>
    const double RejoinBelow = 0.8;
    /// <summary>A split-off market whose supply at any price is below this share of its buyers' monthly need forms no price of its own.</summary>
    const double ThinMarket = 0.01;
    /// <summary>In such a market the quoted price creeps up each month by this share times last month's unmet share of
    /// use (buyers' unfilled bids), so a longer cut-off shows as a higher price, not a frozen one.</summary>
    const double ThinCreep = 0.1;

    static void ResetSplits(WorldState s)
    {
        s.AnySplit = false;
        Array.Clear(s.SplitOff);
    }

    /// <summary>
    /// Splits off each region-1 country that, at price p1 (the price linked to region 0's), needs more from abroad than its cap:
    /// the region-0 allowance plus its ties and qualified suppliers (at most the clean goods on offer).
    /// Returns true when a country was split off (the pool must then be solved again).
    /// </summary>
    static bool DetectSplits(WorldState s, int mat, double p1)
    {
        var m = s.Model;
        int C = m.C, M = m.M;
        if (s.Month == 0) return false; // ties are first observed in month 0
        bool added = false;
        double stockFactor = PriceFactors(s, mat, 1, p1);
        bool offers = false; // the pooled sellers' offers at p1, computed for the first restricted country and read by the rest
        for (int d = 0; d < C; d++)
        {
            if (m.CountryRegion[d] != 1 || s.SplitOff[d]) continue;
            double allowance = s.Allowance[mat * C + d];
            double ties = s.SupplierTies[d * M + mat];
            if (double.IsPositiveInfinity(allowance) || double.IsNaN(ties)) continue;
            double need = 0, clean = 0;
            for (int i = 0; i < s.BuyerCount; i++)
                if (s.BuyerMarket[i] == 1 && s.BuyerCountry[i] == d) need += Bid(s, i, p1, stockFactor);
            if (need <= 0) continue;
            if (!offers) { for (int j = 0; j < s.SellerCount; j++) if (s.SellerMarket[j] == 1) s.SellerOfferAt[j] = Offer(s, j, p1); offers = true; }
            for (int j = 0; j < s.SellerCount; j++)
            {
                if (s.SellerMarket[j] != 1) continue;
                double offer = s.SellerOfferAt[j];
                if (m.FirmCountry[s.SellerFirm[j]] == d) need -= offer;
                else clean += offer * CleanShare(s, j, mat, d);
            }
            double tieLimit = ties * (1 + m.Behaviour.SupplierTieHeadroom) + s.Qualified[d * M + mat];
            double spot = 1 - m.Behaviour.SupplierContractShare;
            double cap = Math.Min(tieLimit + spot * clean, clean) + allowance;
            // hysteresis: a market that was on its own last month rejoins the pool only once its need is clearly below
            // its cap, so a country near the threshold does not flip in and out from month to month
            double threshold = s.WasSplit[d * M + mat] ? RejoinBelow : 1.001;
            if (need <= cap * threshold + 1e-9) continue;
            s.SplitOff[d] = true;
            s.SplitTieLimit[d] = tieLimit;
            s.SplitAllowance[d] = allowance;
            s.SplitUnmet[d] = Math.Max(0, need - cap); // staying split below the cap (hysteresis) qualifies nobody new
            for (int j = 0; j < s.SellerCount; j++)
                s.SellerClean[j * C + d] = s.SellerMarket[j] == 1 && m.FirmCountry[s.SellerFirm[j]] != d ? CleanShare(s, j, mat, d) : 0;
            for (int i = 0; i < s.BuyerCount; i++) if (s.BuyerMarket[i] == 1 && s.BuyerCountry[i] == d) s.BuyerMarket[i] = 2;
            for (int j = 0; j < s.SellerCount; j++) if (s.SellerMarket[j] == 1 && m.FirmCountry[s.SellerFirm[j]] == d) s.SellerMarket[j] = 2;
            s.AnySplit = added = true;
        }
        return added;
    }

    /// <summary>
    /// Share of seller j's offer that may go to destination d: its own country's export regime for d and the
    /// region-0 rule on embedded content for d.
    /// </summary>
    static double CleanShare(WorldState s, int j, int mat, int d)
    {
        int f = s.SellerFirm[j], c = s.Model.FirmCountry[f];
        double share = c == d ? 1 : RulesPhase.AllowedShare(s, c, mat, d);
        return share * EmbeddedRuleShare(s, f, mat, d);
    }

    /// <summary>
    /// What split-off countries bid for in the pool at price p: each its buyers' bids less its own sellers'
    /// offers, capped at its import cap: the region-0 allowance plus its ties and the spot share of the clean goods
    /// region-1 sellers in other countries offer at p, at most all those clean goods (so a cut-off country's demand
    /// alone never lifts the pooled price above what the rest of region 1 pays). Needs <see cref="PriceFactors"/> for region 1 at p. Leaves each
    /// country's amount in <see cref="WorldState.SplitScratch"/> and its tie cap in <see cref="WorldState.SplitTies"/>.
    /// </summary>
    static double SplitDemand(WorldState s, double p, double stockFactor)
    {
        var m = s.Model;
        int C = m.C;
        Array.Clear(s.SplitScratch);
        Array.Clear(s.SplitTies);
        for (int i = 0; i < s.BuyerCount; i++) if (s.BuyerMarket[i] == 2) s.SplitScratch[s.BuyerCountry[i]] += Bid(s, i, p, stockFactor);
        for (int j = 0; j < s.SellerCount; j++)
        {
            int market = s.SellerMarket[j];
            if (market == 2) { s.SplitScratch[m.FirmCountry[s.SellerFirm[j]]] -= Offer(s, j, p); continue; }
            if (market != 1) continue;
            double offer = Offer(s, j, p);
            for (int d = 0; d < C; d++) if (s.SplitOff[d]) s.SplitTies[d] += offer * s.SellerClean[j * C + d];
        }
        double sum = 0;
        for (int d = 0; d < C; d++)
        {
            if (!s.SplitOff[d]) continue;
            double clean = s.SplitTies[d];
            s.SplitTies[d] = Math.Min(s.SplitTieLimit[d] + (1 - m.Behaviour.SupplierContractShare) * clean, clean);
            double q = Math.Min(s.SplitTies[d] + s.SplitAllowance[d], Math.Max(0, s.SplitScratch[d]));
            s.SplitScratch[d] = q;
            sum += q;
        }
        return sum;
    }

    /// <summary>Region-1 countries' bids at p into <see cref="WorldState.CountryDemandScratch"/> (split-off ones: their capped net bids).</summary>
    static void CountryBids1(WorldState s, int mat, double p)
    {
        double stockFactor = PriceFactors(s, mat, 1, p);
        for (int i = 0; i < s.BuyerCount; i++)
            if (s.BuyerMarket[i] == 1) s.BuyerBidAt[i] = Bid(s, i, p, stockFactor);
        CountryBids1At(s, p, stockFactor);
    }

    /// <summary>As <see cref="CountryBids1"/> from the pooled buyers' bids already in BuyerBidAt (at p, stockFactor).</summary>
    static void CountryBids1At(WorldState s, double p, double stockFactor)
    {
        if (s.AnySplit) SplitDemand(s, p, stockFactor);
        SumCountryBids1(s);
    }

    /// <summary>Sums the pooled buyers' bids (BuyerBidAt) per country; split-off countries take their capped net bids from the
    /// last <see cref="SplitDemand"/> (at the same price).</summary>
    static void SumCountryBids1(WorldState s)
    {
        Array.Clear(s.CountryDemandScratch);
        for (int i = 0; i < s.BuyerCount; i++)
            if (s.BuyerMarket[i] == 1) s.CountryDemandScratch[s.BuyerCountry[i]] += s.BuyerBidAt[i];
        if (!s.AnySplit) return;
        for (int d = 0; d < s.Model.C; d++) if (s.SplitOff[d]) s.CountryDemandScratch[d] = s.SplitScratch[d];
    }

    /// <summary>What country d takes from region-1 sellers after fromCn of region 0's goods: a split-off country at most its ties.</summary>
    static double Residual1(WorldState s, int d, double fromCn)
    {
        double residual = Math.Max(0, s.CountryDemandScratch[d] - fromCn);
        return s.SplitOff[d] ? Math.Min(s.SplitTies[d], residual) : residual;
    }

    /// <summary>Excess demand in split-off country d's own market at price p, its imports fixed.</summary>
    static double OwnMarketExcess(WorldState s, int mat, int d, double p)
    {
        var m = s.Model;
        double stockFactor = OwnMarketFactors(s, mat, d, p);
        double sum = -s.SplitInflow[d] - ForeignOffer(s, d, p);
        for (int i = 0; i < s.BuyerCount; i++) if (s.BuyerMarket[i] == 2 && s.BuyerCountry[i] == d) sum += Bid(s, i, p, stockFactor);
        for (int j = 0; j < s.SellerCount; j++) if (s.SellerMarket[j] == 2 && m.FirmCountry[s.SellerFirm[j]] == d) sum -= Offer(s, j, p);
        return sum;
    }

    /// <summary>
    /// What region-1 sellers in other countries offer split-off country d at its own price p beyond what they sold in the
    /// pool: <c>held_stock_reroute_share</c> of the goods they held back at the pooled price (their ask above it) and would
    /// sell at p, clean goods only, within d's ties and qualified suppliers (less what its pooled imports already used of
    /// them) plus the spot share of those goods. At 1 sellers place offers across destinations by netback: a seller
    /// holding out for more than the pool pays sells to a cut-off market that pays it, month by month, instead of holding
    /// its goods until the pool pays and then releasing them in one lump. At 0 (the default) the goods stay with them
    /// (committed to their own plants and offtakers, or held for the pool's price): docs/model.md, "Markets per country".
    /// </summary>
    static double ForeignOffer(WorldState s, int d, double p)
    {
        double share = s.Model.Behaviour.HeldStockRerouteShare;
        if (share <= 0) return 0;
        int C = s.Model.C;
        double held = 0;
        for (int j = 0; j < s.SellerCount; j++) held += HeldBack(s, j, d, p);
        held *= share;
        double spot = 1 - s.Model.Behaviour.SupplierContractShare;
        return Math.Min(held, Math.Max(0, s.SplitTieLimit[d] - s.CountryRecv[C + d]) + spot * held);
    }

    /// <summary>What pooled seller j holds back from the pool and would sell split-off country d at price p (clean goods only).</summary>
    static double HeldBack(WorldState s, int j, int d, double p) =>
        s.SellerMarket[j] != 1 || s.SellerClean[j * s.Model.C + d] <= 0 ? 0 : Math.Max(0, Offer(s, j, p) - s.SellerSold[j]) * s.SellerClean[j * s.Model.C + d];

    /// <summary>
    /// Clears each split-off country's own market: its imports (region 0's allowance-capped goods and region 1's
    /// tied goods, both already handed over by their sellers) plus its own sellers' offers meet its buyers' bids at
    /// its own price, never below the pooled price. The premium over the pooled price on its imports is paid by
    /// its buyers and earned by the exporting countries.
    /// </summary>
    static void AllocateSplitMarkets(WorldState s, int mat, double p1, double soldReal0)
    {
        var m = s.Model;
        int C = m.C, M = m.M;
        double hi = m.RefPrice[mat] * m.Behaviour.MaxPriceMultiple;
        for (int d = 0; d < C; d++)
        {
            if (!s.SplitOff[d]) continue;
            double fromCn = s.CountryRecv[d], fromPool = s.CountryRecv[C + d];
            double inflow = fromCn + fromPool;
            s.SplitInflow[d] = inflow;
            double cnPool = s.SplitCnIn[d];
            // a market with (next to) nothing to sell at any price has no clearing price: a few kilograms against tonnes
            // of need would put it where its last buyer stops bidding, far above any trade seen. No price is formed: the
            // last one stands (at least the pooled price), creeping up with the unmet share of use, and the scarcity shows
            // as shortage. (Buyers do not resell
            // their stocks to each other, which in a real thin market would set such a price: docs/model.md.)
            double need = 0, supplyAtHi = inflow + ForeignOffer(s, d, hi);
            for (int i = 0; i < s.BuyerCount; i++) if (s.BuyerMarket[i] == 2 && s.BuyerCountry[i] == d) need += s.BuyerNeed[i];
            for (int j = 0; j < s.SellerCount; j++) if (s.SellerMarket[j] == 2 && m.FirmCountry[s.SellerFirm[j]] == d) supplyAtHi += Offer(s, j, hi);
            double pd = supplyAtHi < ThinMarket * need
                ? Math.Min(Math.Max(p1, hi), Math.Max(p1, s.CountryPrice[mat * C + d] * (1 + ThinCreep * s.LastShortageShare[d * M + mat])))
                : Math.Max(p1, Solve(s, mat, p1, Math.Max(p1, hi), OwnMarket, d, s.CountryPrice[mat * C + d], 0));
            s.CountryPrice[mat * C + d] = pd;
            double stockFactor = OwnMarketFactors(s, mat, d, pd);
            double bids = 0, home = 0;
            for (int i = 0; i < s.BuyerCount; i++) if (s.BuyerMarket[i] == 2 && s.BuyerCountry[i] == d) bids += Bid(s, i, pd, stockFactor);
            for (int j = 0; j < s.SellerCount; j++) if (s.SellerMarket[j] == 2 && m.FirmCountry[s.SellerFirm[j]] == d) home += Offer(s, j, pd);

            // its own sellers and the goods sellers elsewhere held back from the pool sell what its imports leave of its
            // buyers' bids, in proportion to their offers at its price
            double foreign = ForeignOffer(s, d, pd);
            double wanted = Math.Min(home + foreign, Math.Max(0, bids - inflow)), homeSold = 0, homeCn = 0;
            for (int j = 0; j < s.SellerCount; j++)
            {
                if (s.SellerMarket[j] != 2 || m.FirmCountry[s.SellerFirm[j]] != d) continue;
                int fi = s.SellerFirm[j] * M + mat;
                double q = home > 0 ? Math.Min(s.Inventory[fi], Offer(s, j, pd) / (home + foreign) * wanted) : 0;
                s.SellerSold[j] = q;
                homeSold += q;
                homeCn += q * s.InventoryCn[fi];
                SellerEarns(s, j, mat, q, pd, q * pd);
            }
            double foreignWanted = foreign > 0 ? foreign / (home + foreign) * wanted : 0, foreignSold = 0, foreignCn = 0;
            var foreignOrigin = s.ForeignOrigin.AsSpan(0, C);
            foreignOrigin.Clear();
            if (foreignWanted > 0)
            {
                // each seller in proportion to what it holds back at this price (read before any of it is sold here)
                double held = 0;
                for (int j = 0; j < s.SellerCount; j++) held += s.SellerOfferAt[j] = HeldBack(s, j, d, pd);
                for (int j = 0; j < s.SellerCount && held > 0; j++)
                {
                    int f = s.SellerFirm[j], fi = f * M + mat;
                    double q = Math.Min(s.Inventory[fi], s.SellerOfferAt[j] / held * foreignWanted);
                    if (q <= 0) continue;
                    s.SellerSold[j] += q;
                    foreignSold += q;
                    foreignCn += q * s.InventoryCn[fi];
                    foreignOrigin[m.FirmCountry[f]] += q;
                    SellerEarns(s, j, mat, q, pd, q * pd);
                }
            }

            // its buyers: pro rata to their bids (to their gaps if nobody bids at this price)
            double weights = bids;
            if (weights <= 0) for (int i = 0; i < s.BuyerCount; i++) if (s.BuyerMarket[i] == 2 && s.BuyerCountry[i] == d) weights += Gap(s, i);
            for (int i = 0; i < s.BuyerCount; i++)
            {
                if (s.BuyerMarket[i] != 2 || s.BuyerCountry[i] != d || weights <= 0) continue;
                double share = (bids > 0 ? Bid(s, i, pd, stockFactor) : Gap(s, i)) / weights;
                double q0 = fromCn * share, q1 = fromPool * share, qh = homeSold * share, qx = foreignSold * share;
                double q = q0 + q1 + qh + qx;
                if (q <= 0) continue;
                double cn = (q0 + q1 * cnPool + (homeCn + foreignCn) * share) / q;
                BuyerPays(s, mat, i, q, cn, q0, pd);
                AddTrade(s, mat, s.RegionCountrySold.AsSpan(0, C), d, q0, soldReal0);
                AddTrade(s, mat, s.SplitOrigin.AsSpan(d * C, C), d, q1, fromPool);
                AddTrade(s, mat, foreignOrigin, d, qx, foreignSold);
                s.Trade[(d * M + mat) * C + d] += qh;
            }

            s.CountryRecv[C + d] += foreignSold; // imports from region-1 suppliers elsewhere: the ties follow them (UpdateTies)

            // the premium on imports over the pooled price goes to the exporting countries (on the goods held back from
            // the pool as on the rest: the pooled price is what their sellers could have had)
            double premium = pd - p1;
            s.ImportPremium[d * M + mat] += premium * (inflow + foreignSold) * 1000;
            for (int o = 0; o < C; o++)
            {
                if (m.CountryRegion[o] == 0 && soldReal0 > 0) s.ExportRevenue[o] += premium * fromCn * s.RegionCountrySold[o] / soldReal0 * 1000;
                s.ExportRevenue[o] += premium * (s.SplitOrigin[d * C + o] + foreignOrigin[o]) * 1000;
            }
        }
    }

    /// <summary>
    /// Which region-1 origins supplied each split-off country's imports from region 1: in proportion to the goods each
    /// origin offers that may enter it (its clean offers at the pooled price), never more than an origin sold. Leaves the
    /// rest of each origin's sales in <see cref="WorldState.PoolLeft"/> for the pool's buyers, so trade adds up to sales.
    /// </summary>
    static void AttributeSplitOrigins(WorldState s, int mat, double p1)
    {
        var m = s.Model;
        int C = m.C, M = m.M;
        for (int d = 0; d < C; d++)
        {
            if (!s.SplitOff[d]) continue;
            var origin = s.SplitOrigin.AsSpan(d * C, C);
            origin.Clear();
            double weightSum = 0, cnSum = 0;
            for (int j = 0; j < s.SellerCount; j++)
            {
                if (s.SellerMarket[j] != 1) continue;
                int f = s.SellerFirm[j];
                double w = Offer(s, j, p1) * CleanShare(s, j, mat, d);
                origin[m.FirmCountry[f]] += w;
                weightSum += w;
                cnSum += w * s.InventoryCn[f * M + mat];
            }
            s.SplitCnIn[d] = weightSum > 0 ? cnSum / weightSum : 0;
            double want = s.CountryRecv[C + d], left = SumRegion(s.PoolLeft, 0, C);
            if (want <= 0 || left <= 0) { origin.Clear(); s.CountryRecv[C + d] = 0; continue; }
            want = Math.Min(want, left);
            // clean origins first, capped at what each has left; any remainder from the others' leftovers
            double got = 0;
            for (int o = 0; o < C; o++)
            {
                origin[o] = weightSum > 0 ? Math.Min(s.PoolLeft[o], want * origin[o] / weightSum) : 0;
                got += origin[o];
            }
            double rest = want - got, restBase = left - got;
            for (int o = 0; o < C && rest > 1e-12 && restBase > 0; o++)
                origin[o] += rest * (s.PoolLeft[o] - origin[o]) / restBase;
            for (int o = 0; o < C; o++) s.PoolLeft[o] = Math.Max(0, s.PoolLeft[o] - origin[o]);
            s.CountryRecv[C + d] = want;
        }
    }

    /// <summary>Each country's price this month: its region's, unless its market split off (set by <see cref="AllocateSplitMarkets"/>).</summary>
    static void SetCountryPrices(WorldState s, int mat, double p0, double p1)
    {
        var m = s.Model;
        for (int c = 0; c < m.C; c++)
            if (!s.SplitOff[c]) s.CountryPrice[mat * m.C + c] = m.CountryRegion[c] == 0 ? p0 : p1;
        s.OutsidePrice[mat] = OutsideIndex(s, mat, p1);
    }

    /// <summary>
    /// The reported outside-China price: region-1 countries' market prices weighted by their sectors' and firms' need
    /// this month (speculators and stockpiles left out), so a cut-off market counts by what it uses, not by whether the
    /// residual pool still trades; p1 when nobody there needs the material.
    /// </summary>
    static double OutsideIndex(WorldState s, int mat, double p1)
    {
        int C = s.Model.C;
        double w = 0, wp = 0;
        for (int i = 0; i < s.BuyerCount; i++)
        {
            if (s.BuyerRegion[i] != 1 || s.BuyerChokeRef[i] <= 0) continue; // stockpiles and speculators have no reference use
            double q = s.BuyerNeed[i];
            w += q;
            wp += q * s.CountryPrice[mat * C + s.BuyerCountry[i]];
        }
        return w > 0 ? wp / w : p1;
    }

    /// <summary>
    /// Supplier ties follow each region-1 country's auction imports from other region-1 countries; while its market
    /// is split off, the country qualifies new suppliers for its unmet need over the material's qualification time,
    /// and what it qualified fades as the ties take over.
    /// </summary>
    static void UpdateTies(WorldState s, int mat)
    {
        var m = s.Model;
        int C = m.C, M = m.M;
        double tieMonths = m.Behaviour.SupplierTieMonths;
        for (int d = 0; d < C; d++)
        {
            if (m.CountryRegion[d] != 1) continue;
            int k = d * M + mat;
            double imports = s.CountryRecv[C + d] - s.HomeTake[d];
            s.SupplierTies[k] = double.IsNaN(s.SupplierTies[k]) ? imports : s.SupplierTies[k] + (imports - s.SupplierTies[k]) / tieMonths;
            s.WasSplit[k] = s.SplitOff[d];
            double qual = m.QualificationMonths[mat];
            if (s.SplitOff[d]) s.Qualified[k] += s.SplitUnmet[d] / Math.Max(1, qual);
            else s.Qualified[k] *= 1 - 1 / tieMonths;
        }
    }
}
