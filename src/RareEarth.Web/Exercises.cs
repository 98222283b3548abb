namespace RareEarth.Web;

/// <summary>
/// A guided exercise of student mode: a question about one outcome, a prediction the student types first, then a run
/// with the given lever values; the page puts the model's answer (<see cref="Outcome"/>, a key of the view's
/// outcomes) next to the prediction, with the charts' plain-words explanations.
/// </summary>
public sealed record Exercise(string Id, string Title, string Scenario, string Material, IReadOnlyDictionary<string, string> Levers,
    string Question, string Unit, string Outcome, string Afterwards);

public static class Exercises
{
    public static readonly IReadOnlyList<Exercise> All = new[]
    {
        new Exercise("halt-2010", "The 2010 halt", "japan-2010", "dy_oxide",
            new Dictionary<string, string> { ["ep0.length"] = "12" },
            "In September 2010 China stopped most rare-earth shipments to Japan for about two months. Suppose the halt had lasted 12 months. " +
            "For how many months would Japan be short of Dy oxide?",
            "months", "short:JP:dy_oxide",
            "Look at the stocks chart: Japan's buyers live on their stocks while the halt lasts; a shortage starts only when they run out. Try 2, 6 and 12 months."),
        new Exercise("licences-2025", "The 2025 licences", "controls-2025", "dy_oxide",
            new Dictionary<string, string> { ["ev0.approval"] = "0.1" },
            "In April 2025 China began to license exports of Dy, Tb and magnets; about a quarter of applications were approved at first. Suppose only 10% had been. " +
            "How high would the Dy oxide price outside China go, as a multiple of its level before the shock?",
            "× pre-shock price", "peak:dy_oxide",
            "The price chart's explanation names what pushed the price: the licence queue, buyers hoarding, stocks running out. Move the approval rate and the delay and watch which one matters."),
        new Exercise("decoupling", "How long decoupling takes", "controls-2025", "dy_oxide",
            new Dictionary<string, string>(),
            "Take the 2025 controls as they happened. How many months after April 2025 until Japan buys less than half of its Dy oxide from China, for good?",
            "months", "dec50:JP:dy_oxide",
            "The China-share chart shows it month by month; new capacity outside China takes years (lead times, ramps). Raise a capacity project or shorten its lead time and run again."),
    };
}
