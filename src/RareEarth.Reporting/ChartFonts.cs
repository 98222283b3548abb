using System.Collections.Concurrent;
using ScottPlot;
using SkiaSharp;

namespace RareEarth.Reporting;

/// <summary>
/// The font every chart is drawn with: DejaVu Sans, embedded in this assembly (Fonts/LICENSE), so text renders the
/// same on every machine, including one with no fonts installed (where ScottPlot would otherwise draw no text).
/// Charts ask for it by a name no system font has, so the system's font lookup is never involved.
/// </summary>
public static class ChartFonts
{
    /// <summary>The name charts use for the shipped font; only <see cref="Resolver"/> answers to it.</summary>
    public const string Name = "RareEarth DejaVu Sans";

    static readonly object Gate = new();
    static bool _registered;

    /// <summary>Registers the shipped font with ScottPlot (once) and makes it the default for new plots.</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (_registered) return;
            Fonts.FontResolvers.Insert(0, new Resolver());
            Fonts.Default = Name;
            Fonts.Sans = Name;
            _registered = true;
        }
    }

    /// <summary>A new plot whose every text element (title, labels, ticks, legend) uses the shipped font.</summary>
    public static Plot NewPlot()
    {
        Register();
        var plt = new Plot();
        Apply(plt);
        return plt;
    }

    /// <summary>Sets the shipped font on every text element of a plot, including plottables added so far.</summary>
    public static void Apply(Plot plt)
    {
        Register();
        plt.Font.Set(Name);
        plt.Legend.FontName = Name;
        plt.Legend.SetBestFontOnEachRender = false;
    }

    /// <summary>Draws the plot's title in the bold face of the shipped font (ScottPlot's Bold flag does not reach a typeface set by Apply).</summary>
    public static void BoldTitle(Plot plt)
    {
        plt.Axes.Title.Label.Bold = true;
        plt.Axes.Title.Label.Font = Typeface(bold: true);
    }

    /// <summary>The shipped typeface (regular or bold), loaded from the assembly's resources.</summary>
    public static SKTypeface Typeface(bool bold) => Resolver.Load(bold);

    /// <summary>Answers only to <see cref="Name"/>, with typefaces read from the embedded font files.</summary>
    sealed class Resolver : IFontResolver
    {
        static readonly ConcurrentDictionary<bool, SKTypeface> Loaded = new();

        internal static SKTypeface Load(bool bold) => Loaded.GetOrAdd(bold, b =>
        {
            var resource = $"RareEarth.Reporting.Fonts.DejaVuSans{(b ? "-Bold" : "")}.ttf";
            using var stream = typeof(ChartFonts).Assembly.GetManifestResourceStream(resource)
                               ?? throw new InvalidOperationException($"font resource {resource} missing from the build");
            using var data = SKData.Create(stream);
            return SKTypeface.FromData(data) ?? throw new InvalidOperationException($"font resource {resource} is not a font");
        });

        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
            fontName == Name ? Load(weight >= FontWeight.SemiBold) : null;

        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
            fontName == Name ? Load(bold) : null;
    }
}
