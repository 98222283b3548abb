using System.Security.Cryptography;
using System.Text;

namespace RareEarth.Scenarios.Yaml;

/// <summary>A scenario after <c>extends</c> and overrides: one merged node tree plus what it came from.</summary>
public sealed class ScenarioDocument
{
    public required YNode Root { get; init; }
    /// <summary>The files read, the scenario first, then what it extends.</summary>
    public required IReadOnlyList<string> Files { get; init; }
    /// <summary>Overrides applied, as given (path=value).</summary>
    public required IReadOnlyList<string> Overrides { get; init; }

    /// <summary>The resolved scenario as YAML text (after extends and overrides).</summary>
    public string ToYaml() =>
        new YamlDotNet.Serialization.SerializerBuilder().Build().Serialize(Root.ToPlain());

    /// <summary>SHA-256 of the resolved YAML: two runs with the same hash ran the same scenario.</summary>
    public string Hash() => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(ToYaml()))).ToLowerInvariant()[..16];

    /// <summary>
    /// A copy with further overrides applied (for sampled or swept runs). Only the nodes on the overridden paths are
    /// copied; the rest is shared with this document, which stays unchanged (documents are read-only once loaded).
    /// </summary>
    public ScenarioDocument With(IEnumerable<KeyValuePair<string, string>> overrides, List<ScenarioError> errors)
    {
        var root = Root.ShallowClone();
        var copied = new HashSet<YNode>(ReferenceEqualityComparer.Instance) { root };
        var applied = new List<string>(Overrides);
        foreach (var (path, value) in overrides)
        {
            CopyPath(root, path, copied);
            ScenarioLoader.ApplyOverride(root, path, value, errors);
            applied.Add($"{path}={value}");
        }
        return new ScenarioDocument { Root = root, Files = Files, Overrides = applied };
    }

    /// <summary>Replaces every shared node on a dotted path below <paramref name="root"/> (itself a copy) by a shallow copy.</summary>
    static void CopyPath(YNode root, string path, HashSet<YNode> copied)
    {
        var node = root;
        foreach (var part in path.Split('.'))
        {
            YNode? child = null;
            if (node.Kind == YKind.Map)
            {
                child = node.Get(part);
                if (child is null) return;
                if (!copied.Contains(child)) { child = child.ShallowClone(); copied.Add(child); node.Set(part, child); }
            }
            else if (node.Kind == YKind.Seq && int.TryParse(part, out int i) && i >= 0 && i < node.Items.Count)
            {
                child = node.Items[i];
                if (!copied.Contains(child)) { child = child.ShallowClone(); copied.Add(child); node.Items[i] = child; }
            }
            else return;
            node = child;
        }
    }
}

/// <summary>
/// Reads scenario files: parses YAML, follows <c>extends</c>, merges, applies <c>--set</c> overrides. Files are read
/// through <see cref="ScenarioFile"/> (regular files within the size limit only) and parsed by <see cref="YamlReader"/>
/// (within the <see cref="ScenarioLimits"/>); every problem is an error, nothing is thrown.
/// </summary>
public static class ScenarioLoader
{
    /// <summary>The shipped scenarios folder (the one holding world/), found at or above the program's folder; null if there is none.</summary>
    public static string? ShippedFolder { get; } = FindShippedFolder();

    static string? FindShippedFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "scenarios");
            if (Directory.Exists(Path.Combine(candidate, "world"))) return candidate;
        }
        return null;
    }

    /// <summary>Loads a scenario file. Problems are added to <paramref name="errors"/>; the result is null if the scenario could not be read at all.</summary>
    public static ScenarioDocument? Load(string path, IEnumerable<string> overrides, List<ScenarioError> errors) =>
        Load(path, null, overrides, errors);

    /// <summary>Loads scenario text given as bytes as if it were the file at <paramref name="path"/> (which need not exist): <c>extends</c> is resolved from its folder.</summary>
    public static ScenarioDocument? LoadBytes(string path, byte[] content, IEnumerable<string> overrides, List<ScenarioError> errors) =>
        Load(path, content, overrides, errors);

    static ScenarioDocument? Load(string path, byte[]? content, IEnumerable<string> overrides, List<ScenarioError> errors)
    {
        var fullPath = FullPath(path);
        if (fullPath is null)
        {
            errors.Add(new ScenarioError(path, 0, 0, "", "is not a usable file path"));
            return null;
        }
        var files = new List<string>();
        var chain = new List<string>();
        YNode? root;
        if (content is not null) root = LoadText(fullPath, fullPath, ScenarioFile.Decode(content), files, errors, chain);
        else
        {
            string display = DisplayPath(fullPath);
            var real = ScenarioFile.Resolve(fullPath);
            var problem = real is null ? "file not found" : ScenarioFile.CheckKind(real);
            if (problem is not null)
            {
                errors.Add(new ScenarioError(display, 0, 0, "", problem));
                return null;
            }
            root = LoadText(fullPath, real!, ScenarioFile.Read(real!), files, errors, chain);
        }
        if (root is null) return null;
        var applied = new List<string>();
        foreach (var o in overrides)
        {
            int eq = o.IndexOf('=');
            if (eq <= 0)
            {
                errors.Add(new ScenarioError("--set", 1, 1, o, "expected path=value, e.g. countries.CN.hoarding_gain=1.5"));
                continue;
            }
            ApplyOverride(root, o[..eq].Trim(), o[(eq + 1)..], errors);
            applied.Add(o);
        }
        return new ScenarioDocument { Root = root, Files = files, Overrides = applied };
    }

    /// <summary>Parses one file's text and, if it extends another, loads that and merges this file over it. Null if any file of the chain cannot be loaded.</summary>
    static YNode? LoadText(string fullPath, string realPath, FileText text, List<string> files, List<ScenarioError> errors, List<string> chain)
    {
        string display = DisplayPath(fullPath);
        if (text.Text is null)
        {
            errors.Add(new ScenarioError(display, text.Line, text.Column, "", text.Problem!));
            return null;
        }
        chain.Add(realPath);
        files.Add(display);
        var node = YNode.Parse(text.Text, display, errors);
        if (node is null) return null;
        if (node.Kind != YKind.Map)
        {
            // the value itself is not echoed: this may be a file that is not a scenario at all
            string found = node.Kind == YKind.Seq ? "a list" : node.IsNull ? "nothing" : "a single text value";
            errors.Add(new ScenarioError(display, node.Line, node.Column, "", $"a scenario must be a mapping of keys (key: value lines), found {found}"));
            return null;
        }
        var ext = node.Get("extends");
        if (ext is null) return node;
        node.Remove("extends");
        var parent = LoadExtends(ext, fullPath, display, files, errors, chain);
        if (parent is null) return null; // what would follow from the missing base is not reported: the base is the error
        Merge(parent, node);
        return parent;
    }

    /// <summary>
    /// Follows <c>extends</c>: a .yaml or .yml file, relative to the extending file's folder or else to the shipped
    /// scenarios folder, a regular file within the size limit, not already in the chain.
    /// </summary>
    static YNode? LoadExtends(YNode ext, string childPath, string display, List<string> files, List<ScenarioError> errors, List<string> chain)
    {
        YNode? Fail(string message)
        {
            errors.Add(new ScenarioError(display, ext.Line, ext.Column, "extends", message));
            return null;
        }
        if (ext.Kind != YKind.Scalar || ext.IsNull) return Fail($"expected the path of a .yaml file, found {ext.Describe()}");
        string value = ext.Value!;
        if (TextSafety.FirstUnsafe(value, allowLayout: true) >= 0) return null; // reported by the reader
        if (!IsYamlName(value)) return Fail($"'{TextSafety.Excerpt(value)}' is not a YAML file; extends takes a path ending in .yaml or .yml");

        var candidates = new List<string>();
        if (FullPath(Path.Combine(Path.GetDirectoryName(childPath)!, value)) is { } local) candidates.Add(local);
        if (!Path.IsPathRooted(value) && ShippedFolder is not null && FullPath(Path.Combine(ShippedFolder, value)) is { } shipped && !candidates.Contains(shipped))
            candidates.Add(shipped);
        string? target = candidates.FirstOrDefault(c => ScenarioFile.Resolve(c) is not null);
        if (target is null)
            return Fail($"file '{TextSafety.Excerpt(value)}' not found (looked for {string.Join(" and ", candidates.Select(DisplayPath))})");
        var real = ScenarioFile.Resolve(target)!;

        int seen = chain.IndexOf(real);
        if (seen >= 0)
            return Fail($"extends forms a cycle: {string.Join(" -> ", chain.Skip(seen).Append(real).Select(DisplayPath))}");
        if (chain.Count >= ScenarioLimits.MaxExtendsChain)
            return Fail($"extends chain of more than {ScenarioLimits.MaxExtendsChain} files; that is the limit");
        if (ScenarioFile.CheckKind(real) is { } problem) return Fail($"'{TextSafety.Excerpt(value)}' {problem}");
        if (!IsYamlName(real)) return Fail($"'{TextSafety.Excerpt(value)}' links to {DisplayPath(real)}, which is not a .yaml or .yml file");
        var text = ScenarioFile.Read(real);
        if (text.Problem is not null && text.Line == 0) return Fail($"'{TextSafety.Excerpt(value)}' {text.Problem}");
        return LoadText(target, real, text, files, errors, chain);
    }

    static bool IsYamlName(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".yaml" or ".yml" && Path.GetFileNameWithoutExtension(path).Length > 0;

    static string? FullPath(string path)
    {
        try { return Path.GetFullPath(path); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException) { return null; }
    }

    /// <summary>Deep merge: mappings merge key by key, anything else in the child replaces the parent's.</summary>
    public static void Merge(YNode into, YNode from)
    {
        // a mapping the child touches is reported at the child's position: that is where the user edits it
        into.File = from.File; into.Line = from.Line; into.Column = from.Column;
        foreach (var (key, value) in from.Entries)
        {
            var existing = into.Get(key);
            if (existing is not null && existing.Kind == YKind.Map && value.Kind == YKind.Map) Merge(existing, value);
            else into.Set(key, value);
        }
    }

    /// <summary>Sets the node at a dotted path (map keys or list indexes) to a YAML value.</summary>
    public static void ApplyOverride(YNode root, string path, string value, List<ScenarioError> errors)
    {
        var parts = path.Split('.');
        foreach (var p in parts)
        {
            int bad = TextSafety.FirstUnsafe(p, allowLayout: false);
            if (bad >= 0 || p.Length > ScenarioLimits.MaxKeyLength)
            {
                errors.Add(new ScenarioError("--set", 1, 1, path, bad >= 0
                    ? $"the path holds {TextSafety.Name(p[bad])}; keys are plain text"
                    : $"key '{TextSafety.Excerpt(p)}' has {p.Length:N0} characters; the limit is {ScenarioLimits.MaxKeyLength} characters"));
                return;
            }
        }
        var valueErrors = new List<ScenarioError>();
        var parsed = YNode.Parse(value, $"--set {path}", valueErrors);
        if (parsed is null || valueErrors.Count > 0)
        {
            errors.AddRange(valueErrors.Select(e => e with { Path = path }));
            return;
        }
        var node = root;
        for (int i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            bool last = i == parts.Length - 1;
            if (node.Kind == YKind.Map)
            {
                var child = node.Get(part);
                if (last) { node.Set(part, parsed); return; }
                if (child is null)
                {
                    errors.Add(new ScenarioError("--set", 1, 1, path,
                        $"no key '{part}' under '{string.Join('.', parts[..i])}'" + Suggest.For(part, node.Entries.Select(e => e.Key))));
                    return;
                }
                node = child;
            }
            else if (node.Kind == YKind.Seq && int.TryParse(part, out int idx) && idx >= 0 && idx < node.Items.Count)
            {
                if (last) { node.Items[idx] = parsed; return; }
                node = node.Items[idx];
            }
            else
            {
                errors.Add(new ScenarioError("--set", 1, 1, path, $"'{string.Join('.', parts[..i])}' is {node.Describe()}, cannot descend into '{part}'"));
                return;
            }
        }
    }

    static string DisplayPath(string fullPath)
    {
        string cwd;
        try { cwd = Directory.GetCurrentDirectory(); } catch (IOException) { return fullPath; }
        var rel = Path.GetRelativePath(cwd, fullPath);
        return rel.StartsWith("..") ? fullPath : rel;
    }
}

/// <summary>"Did you mean" suggestions for misspelt keys and ids.</summary>
public static class Suggest
{
    public static string For(string wrong, IEnumerable<string> candidates)
    {
        string? best = null; int bestD = int.MaxValue;
        foreach (var c in candidates)
        {
            int d = Distance(wrong.ToLowerInvariant(), c.ToLowerInvariant());
            if (d < bestD) { bestD = d; best = c; }
        }
        return best is not null && bestD <= Math.Max(2, wrong.Length / 3) ? $" (did you mean '{best}'?)" : "";
    }

    static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
