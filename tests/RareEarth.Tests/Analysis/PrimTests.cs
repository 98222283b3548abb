using RareEarth.Analysis;

namespace RareEarth.Tests.Analysis;

public class PrimTests
{
    private static (double[,] X, bool[] Y, string[] Names) Synthetic(int n, int dims, int seed)
    {
        var x = Sampling.MonteCarlo(n, dims, seed);
        var y = new bool[n];
        for (int r = 0; r < n; r++) y[r] = x[r, 0] > 0.7 && x[r, 1] < 0.3;
        var names = Enumerable.Range(0, dims).Select(i => $"x{i}").ToArray();
        return (x, y, names);
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    public void RecoversPlantedBox(int dims, int seed)
    {
        var (x, y, names) = Synthetic(3000, dims, seed);
        var box = Prim.FindBox(x, y, names);

        Assert.True(box.Density > 0.9, $"density {box.Density:F3}");
        Assert.True(box.Coverage > 0.5, $"coverage {box.Coverage:F3}");

        var x0 = Assert.Single(box.Limits, l => l.Name == "x0");
        Assert.InRange(x0.Low, 0.65, 0.75);
        Assert.True(x0.High >= 0.95, $"x0 high {x0.High:F3}");

        var x1 = Assert.Single(box.Limits, l => l.Name == "x1");
        Assert.True(x1.Low <= 0.05, $"x1 low {x1.Low:F3}");
        Assert.InRange(x1.High, 0.25, 0.35);

        foreach (var l in box.Limits.Where(l => l.Name != "x0" && l.Name != "x1"))
            Assert.True(l.High - l.Low >= 0.8, $"irrelevant {l.Name} restricted to [{l.Low:F3}, {l.High:F3}]");
    }

    [Fact]
    public void Trajectory_IsConsistent()
    {
        var (x, y, names) = Synthetic(2000, 3, seed: 9);
        var box = Prim.FindBox(x, y, names);
        var t = box.Trajectory;

        Assert.True(t.Count > 10);
        Assert.Equal(1.0, t[0].Coverage);
        Assert.Equal(1.0, t[0].Mass);
        Assert.Equal(0, t[0].RestrictedDimensions);
        Assert.Equal(y.Count(v => v) / 2000.0, t[0].Density, 12);
        Assert.Equal(t[0].Density, box.BaseDensity, 12);
        for (int s = 1; s < t.Count; s++)
        {
            Assert.Equal(s, t[s].Index);
            Assert.True(t[s].Mass < t[s - 1].Mass);
            Assert.True(t[s].Mass >= 0.05);
            Assert.True(t[s].Coverage <= t[s - 1].Coverage);
            // Counts must agree with the recorded limits.
            int count = 0, cases = 0;
            for (int r = 0; r < 2000; r++)
            {
                bool inside = true;
                for (int c = 0; c < 3; c++)
                    inside &= x[r, c] >= t[s].Limits[c].Low && x[r, c] <= t[s].Limits[c].High;
                if (!inside) continue;
                count++;
                if (y[r]) cases++;
            }
            Assert.Equal(t[s].Count, count);
            Assert.Equal(t[s].CasesInside, cases);
        }
        // The first peels remove non-cases only, so density rises.
        Assert.True(t[1].Density > t[0].Density);

        // Selected box = highest density with coverage >= 0.5.
        var sel = t[box.SelectedStep];
        Assert.Equal(sel.Density, box.Density);
        Assert.All(t.Where(s => s.Coverage >= 0.5), s => Assert.True(s.Density <= sel.Density));
    }

    [Fact]
    public void ThresholdDensity_SelectsMostCoveringBoxAboveThreshold()
    {
        var (x, y, names) = Synthetic(2000, 3, seed: 4);
        var box = Prim.FindBox(x, y, names, new PrimOptions { ThresholdDensity = 0.5 });
        Assert.True(box.MeetsThreshold);
        Assert.True(box.Density >= 0.5);
        Assert.All(box.Trajectory.Where(s => s.Density >= 0.5), s => Assert.True(s.Coverage <= box.Coverage));

        var defaultBox = Prim.FindBox(x, y, names);
        Assert.True(box.Coverage >= defaultBox.Coverage);

        var impossible = Prim.FindBox(x, y, names, new PrimOptions { ThresholdDensity = 1.0, MinCoverage = 0.99 });
        Assert.False(impossible.MeetsThreshold);
    }

    [Fact]
    public void Pasting_WidensNoisyBoxAndRaisesDensity()
    {
        // Noisy cases (85 % inside the planted box, 10 % outside) leave the peeled box impure, so pasting can help.
        const int n = 2000;
        var x = Sampling.MonteCarlo(n, 3, seed: 1);
        var rng = Sampling.CreateRng(101);
        var y = new bool[n];
        for (int r = 0; r < n; r++)
            y[r] = rng.NextDouble() < (x[r, 0] > 0.6 && x[r, 1] < 0.4 ? 0.85 : 0.1);
        string[] names = ["x0", "x1", "x2"];
        var options = new PrimOptions { PeelAlpha = 0.1 };

        var peeled = Prim.FindBox(x, y, names, options);
        var pasted = Prim.FindBox(x, y, names, options with { Paste = true });

        Assert.Equal(0, peeled.PasteSteps);
        Assert.True(pasted.PasteSteps > 0, "expected at least one paste");
        Assert.True(pasted.Density > peeled.Density, $"{pasted.Density} <= {peeled.Density}");
        Assert.True(pasted.Coverage > peeled.Coverage);
        Assert.Equal(peeled.SelectedStep, pasted.SelectedStep);

        // The pasted box contains the peeled box and its statistics agree with its limits.
        (double Lo, double Hi) Lim(PrimBox b, int c)
        {
            var l = b.Limits.FirstOrDefault(l => l.Name == names[c]);
            return l is null ? (double.NegativeInfinity, double.PositiveInfinity) : (l.Low, l.High);
        }
        int count = 0, cases = 0;
        for (int r = 0; r < n; r++)
        {
            bool inside = true;
            for (int c = 0; c < 3; c++)
            {
                var (lo, hi) = Lim(pasted, c);
                inside &= x[r, c] >= lo && x[r, c] <= hi;
            }
            if (!inside) continue;
            count++;
            if (y[r]) cases++;
        }
        Assert.Equal(pasted.Count, count);
        Assert.Equal(pasted.CasesInside, cases);
        for (int c = 0; c < 3; c++)
        {
            Assert.True(Lim(pasted, c).Lo <= Lim(peeled, c).Lo);
            Assert.True(Lim(pasted, c).Hi >= Lim(peeled, c).Hi);
        }
    }

    [Fact]
    public void NoCasesOfInterest_ThrowsClearError()
    {
        var x = Sampling.MonteCarlo(100, 2, 1);
        var ex = Assert.Throws<ArgumentException>(() => Prim.FindBox(x, new bool[100], ["a", "b"]));
        Assert.Contains("no cases of interest", ex.Message);
    }

    [Fact]
    public void AllCasesOfInterest_ReturnsUnrestrictedBox()
    {
        var x = Sampling.MonteCarlo(100, 2, 1);
        var box = Prim.FindBox(x, Enumerable.Repeat(true, 100).ToArray(), ["a", "b"]);
        Assert.Equal(1.0, box.Density);
        Assert.Equal(1.0, box.Coverage);
        Assert.Equal(0, box.SelectedStep);
        Assert.Empty(box.Limits);
    }

    [Fact]
    public void InvalidInput_Throws()
    {
        var x = Sampling.MonteCarlo(10, 2, 1);
        var y = new bool[10];
        y[0] = true;
        Assert.Throws<ArgumentException>(() => Prim.FindBox(x, y, ["a"]));
        Assert.Throws<ArgumentException>(() => Prim.FindBox(x, new bool[9], ["a", "b"]));
        Assert.Throws<ArgumentException>(() => Prim.FindBox(x, y, ["a", "b"], new PrimOptions { PeelAlpha = 0.6 }));
        x[3, 1] = double.NaN;
        Assert.Throws<ArgumentException>(() => Prim.FindBox(x, y, ["a", "b"]));
    }

    [Fact]
    public void TiedValues_StillPeel()
    {
        // Integer-valued parameter with heavy ties: cases of interest are k >= 8 (k = 0..9).
        int n = 1000;
        var x = new double[n, 1];
        var y = new bool[n];
        for (int r = 0; r < n; r++) { x[r, 0] = r % 10; y[r] = r % 10 >= 8; }
        var box = Prim.FindBox(x, y, ["k"], new PrimOptions { MinMass = 0.1 });
        var k = Assert.Single(box.Limits);
        Assert.Equal(8.0, k.Low);
        Assert.Equal(1.0, box.Density);
        Assert.Equal(1.0, box.Coverage);
    }
}
