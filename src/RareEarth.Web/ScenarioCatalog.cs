using RareEarth.Scenarios;

namespace RareEarth.Web;

/// <summary>A shipped scenario the page may choose, by id (its file name without .yaml).</summary>
public sealed record ScenarioEntry(string Id, string Name, string Description, string FullPath, string DisplayPath);

/// <summary>
/// The scenarios the workbench offers, read once at start, in this order: the *.yaml files directly in one folder (the
/// shipped scenarios/ by default: the historical ones with their calibrated parameters), then those in its hand-set/
/// subfolder (ids "hand-set/NAME": the same scenarios with the hand-set parameters, for comparison) and in its what-if/
/// subfolder (ids "what-if/NAME"). The browser names a scenario by id only; no path ever comes from it.
/// </summary>
public sealed class ScenarioCatalog
{
    readonly Dictionary<string, ScenarioEntry> _byId = new(StringComparer.Ordinal);
    public IReadOnlyList<ScenarioEntry> Entries { get; }
    public string Folder { get; }

    public ScenarioCatalog(string folder)
    {
        Folder = Path.GetFullPath(folder);
        var list = new List<ScenarioEntry>();
        var files = Directory.EnumerateFiles(Folder, "*.yaml").Order(StringComparer.Ordinal).Select(f => (Id: Path.GetFileNameWithoutExtension(f), File: f));
        foreach (var sub in Subfolders)
        {
            var dir = Path.Combine(Folder, sub);
            if (Directory.Exists(dir))
                files = files.Concat(Directory.EnumerateFiles(dir, "*.yaml").Order(StringComparer.Ordinal).Select(f => (Id: sub + "/" + Path.GetFileNameWithoutExtension(f), File: f)));
        }
        foreach (var (id, file) in files)
        {
            try
            {
                var c = ScenarioCompiler.LoadAndCompile(file);
                var entry = new ScenarioEntry(id, c.Name, c.Description.Trim(), file, $"scenarios/{id}.yaml");
                list.Add(entry);
                _byId[id] = entry;
            }
            catch (ScenarioException)
            {
                // a file that does not validate is not offered (validate says why)
            }
        }
        Entries = list;
    }

    /// <summary>The subfolders offered after the folder's own files, in this order.</summary>
    public static readonly string[] Subfolders = { "hand-set", "what-if" };

    public ScenarioEntry? Find(string? id) => id is not null && _byId.TryGetValue(id, out var e) ? e : null;

    /// <summary>The default folder: scenarios/ under the working directory, else the shipped one found above the program.</summary>
    public static string DefaultFolder() =>
        Directory.Exists(Path.Combine("scenarios", "world")) ? Path.GetFullPath("scenarios")
            : RareEarth.Scenarios.Yaml.ScenarioLoader.ShippedFolder ?? Path.GetFullPath("scenarios");
}
