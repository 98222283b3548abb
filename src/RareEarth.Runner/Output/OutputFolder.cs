using System.Text.Json;
using System.Text.Json.Nodes;

namespace RareEarth.Runner.Output;

/// <summary>An output path that cannot be used as given (the command exits with code 2 and writes nothing).</summary>
public sealed class OutputPathException(string message) : Exception(message);

/// <summary>
/// Writes a command's files into a folder without ever deleting anything the tool did not write.
/// <list type="bullet">
/// <item>the folder does not exist, or is empty: it is created (replaced) with the new files;</item>
/// <item>it is a previous result of the tool - its manifest (run.json, history.json, ...) says
/// <c>"written_by": "rareearth"</c> and lists every file in it: it is replaced atomically (renamed to a hidden
/// backup, the new folder renamed into place, the backup deleted), so a crash leaves the old or the new result;</item>
/// <item>anything else is refused, unless <c>force</c>: then only the tool's own files are written (or replaced)
/// there, one rename each, and every other file stays.</item>
/// </list>
/// The files are first written to a hidden sibling <c>.NAME.rareearth-staging-PID</c> holding a locked marker file;
/// the next write to the same folder removes staging folders whose writer is gone and restores or removes a backup
/// a killed writer left (<c>.NAME.rareearth-old-PID</c>).
/// </summary>
public static class OutputFolder
{
    public const string WrittenBy = "rareearth";
    const string StagingTag = ".rareearth-staging-", BackupTag = ".rareearth-old-", LegacyTag = ".partial-";
    /// <summary>Inside a staging folder while it is written, held open (and so locked) by its writer.</summary>
    public const string MarkerFile = ".rareearth-staging";
    /// <summary>The manifests the tool writes; one of them at the top of a folder marks it as a previous result.</summary>
    static readonly string[] Manifests = { "run.json", "history.json", "export.json", "report.json", "compare.json" };
    /// <summary>What run wrote before manifests listed their files (a run.json with engine_version and reproduce, and charts/*.png|svg).</summary>
    static readonly string[] LegacyRunFiles = { "run.json", "timeseries.csv", "summary.json", "scenario.resolved.yaml" };

    /// <summary>
    /// Checks <paramref name="dir"/> before any work is done: a usable path, and (unless <paramref name="force"/>)
    /// new, empty or a previous result. Throws <see cref="OutputPathException"/> otherwise.
    /// </summary>
    public static string Check(string dir, bool force)
    {
        var full = FullPath(dir);
        if (Directory.Exists(full) && !force && Inspect(full) is { Foreign.Count: > 0 } found)
            throw Refusal(dir, found.Foreign);
        return full;
    }

    /// <summary>
    /// Writes the folder: <paramref name="fill"/> writes the files into an empty staging folder; then the manifest
    /// <paramref name="manifestName"/> is written there (<paramref name="fields"/> plus written_by and the list of
    /// files) and the folder is put into place. Returns the full path of the folder.
    /// </summary>
    public static string Write(string dir, string manifestName, JsonObject fields, Action<string> fill, bool force)
    {
        var full = FullPath(dir);
        var parent = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(parent);
        Recover(full);
        var found = Directory.Exists(full) ? Inspect(full) : null;
        if (found is { Foreign.Count: > 0 } && !force) throw Refusal(dir, found.Foreign);

        var staging = Path.Combine(parent, $".{Path.GetFileName(full)}{StagingTag}{Environment.ProcessId}");
        Directory.CreateDirectory(staging);
        FileStream? marker = null;
        try
        {
            marker = new FileStream(Path.Combine(staging, MarkerFile), FileMode.Create, FileAccess.ReadWrite, FileShare.None);
            fill(staging);
            var files = FilesIn(staging).Where(f => f != MarkerFile && f != manifestName).Order(StringComparer.Ordinal).ToList();
            files.Add(manifestName);
            var manifest = new JsonObject { ["written_by"] = WrittenBy };
            foreach (var (k, v) in fields) manifest[k] = v?.DeepClone();
            manifest["files"] = new JsonArray(files.Select(f => (JsonNode)f!).ToArray());
            File.WriteAllText(Path.Combine(staging, manifestName), manifest.ToJsonString(RunOutput.Json));

            if (found is null) Directory.Move(staging, full);
            else if (found.Entries == 0) { Directory.Delete(full); Directory.Move(staging, full); }
            else if (found.Foreign.Count == 0) Swap(full, staging);
            else
            {
                WriteAmong(full, staging, files, found.Ours);
                marker.Dispose();
                Remove(staging);
                return full;
            }
            marker.Dispose();
            File.Delete(Path.Combine(full, MarkerFile)); // moved into place with the folder
            return full;
        }
        catch
        {
            marker?.Dispose();
            if (Directory.Exists(staging)) Remove(staging);
            throw;
        }
    }

    // ------------------------------------------------------------------ the path

    /// <summary>The full path of <paramref name="dir"/>; refuses roots, the current folder and its parents, files and links.</summary>
    static string FullPath(string dir)
    {
        if (string.IsNullOrWhiteSpace(dir)) throw new OutputPathException("--out needs a folder name");
        if (dir.IndexOf('\0') >= 0) throw new OutputPathException("--out: the folder name contains a NUL character");
        var full = Path.GetFullPath(dir);
        var trimmed = Path.TrimEndingDirectorySeparator(full);
        if (Path.GetPathRoot(full) is { } root && (full == root || trimmed == Path.TrimEndingDirectorySeparator(root)))
            throw new OutputPathException($"--out {dir}: is the root of a file system; name a folder for the results");
        full = trimmed;
        var cwd = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Environment.CurrentDirectory));
        if (full == cwd || cwd.StartsWith(full + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new OutputPathException($"--out {dir}: is the current folder or a folder above it; name a folder for the results");
        if (File.Exists(full)) throw new OutputPathException($"--out {dir}: is a file, not a folder");
        if (Directory.Exists(full) && new DirectoryInfo(full).LinkTarget is not null)
            throw new OutputPathException($"--out {dir}: is a symbolic link; give the folder it points to");
        for (var up = Path.GetDirectoryName(full); up is not null; up = Path.GetDirectoryName(up))
        {
            if (Directory.Exists(up)) break;
            if (File.Exists(up)) throw new OutputPathException($"--out {dir}: {up} is a file, not a folder");
        }
        return full;
    }

    static OutputPathException Refusal(string dir, IReadOnlyList<string> foreign) => new(
        $"--out {dir}: the folder holds files rareearth did not write ({string.Join(", ", foreign.Take(3))}{(foreign.Count > 3 ? ", ..." : "")}); " +
        "choose a new or empty folder, or add --force to write rareearth's files there and leave the others");

    // ------------------------------------------------------------------ what a folder holds

    /// <summary>What is in an existing folder: how many entries, and which are not the tool's (at most a few are listed).</summary>
    sealed record Contents(int Entries, List<string> Foreign, HashSet<string> Ours);

    static Contents Inspect(string full)
    {
        var ours = OwnFiles(full);
        var foreign = new List<string>();
        int entries = 0;
        void Walk(string dir, string prefix)
        {
            foreach (var info in new DirectoryInfo(dir).EnumerateFileSystemInfos())
            {
                entries++;
                var rel = prefix + info.Name;
                bool link = info.LinkTarget is not null;
                if (info is DirectoryInfo d && !link && ours.Any(f => f.StartsWith(rel + "/", StringComparison.Ordinal))) Walk(d.FullName, rel + "/");
                else if (info is DirectoryInfo || link || !ours.Contains(rel)) foreign.Add(rel);
                if (foreign.Count > 3) return;
            }
        }
        Walk(full, "");
        return new Contents(entries, foreign, ours);
    }

    /// <summary>The files the tool wrote in a folder, from its manifest (empty when it has none).</summary>
    static HashSet<string> OwnFiles(string full)
    {
        var ours = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in Manifests)
        {
            var path = Path.Combine(full, name);
            if (!File.Exists(path) || new FileInfo(path).Length > (4 << 20)) continue;
            JsonNode? json;
            try { json = JsonNode.Parse(File.ReadAllText(path)); }
            catch (JsonException) { continue; }
            if (json is not JsonObject o) continue;
            if (o["written_by"]?.GetValueKind() == JsonValueKind.String && (string?)o["written_by"] == WrittenBy && o["files"] is JsonArray files)
            {
                foreach (var f in files)
                    if (f?.GetValueKind() == JsonValueKind.String && Safe((string)f!)) ours.Add((string)f!);
                ours.Add(name);
                ours.Add(MarkerFile);
            }
            else if (name == "run.json" && o["engine_version"] is not null && o["reproduce"] is not null && o["written_by"] is null)
            {
                ours.UnionWith(LegacyRunFiles);
                ours.UnionWith(Charts(full, "charts", "").Select(c => "charts/" + c));
            }
        }
        // report and compare before manifests: report.md ("# Batch report: ...") or compare.md ("# A against B") and charts/*.png|svg
        foreach (var (md, heading) in new[] { ("report.md", "# Batch report: "), ("compare.md", "# ") })
        {
            var path = Path.Combine(full, md);
            if (ours.Contains(md) || !File.Exists(path) || File.ReadLines(path).FirstOrDefault() is not { } first || !first.StartsWith(heading, StringComparison.Ordinal)) continue;
            if (md == "compare.md" && !first.Contains(" against ", StringComparison.Ordinal)) continue;
            ours.Add(md);
            ours.UnionWith(Charts(full, "charts", "").Select(c => "charts/" + c));
        }
        // history before manifests: history.md ("# NAME: model against history") and its history_*.png|svg charts
        var historyMd = Path.Combine(full, "history.md");
        if (File.Exists(historyMd) && File.ReadLines(historyMd).FirstOrDefault() is { } title && title.StartsWith("# ", StringComparison.Ordinal) &&
            title.EndsWith(": model against history", StringComparison.Ordinal))
        {
            ours.Add("history.md");
            ours.UnionWith(Charts(full, "", "history_"));
        }
        return ours;
    }

    /// <summary>Names of the .png and .svg files in a subfolder whose names start with <paramref name="prefix"/>.</summary>
    static IEnumerable<string> Charts(string full, string sub, string prefix)
    {
        var dir = Path.Combine(full, sub);
        if (!Directory.Exists(dir)) return Array.Empty<string>();
        return Directory.EnumerateFiles(dir, prefix + "*").Select(Path.GetFileName)
            .Where(f => f!.EndsWith(".png", StringComparison.Ordinal) || f.EndsWith(".svg", StringComparison.Ordinal))!;
    }

    /// <summary>A relative path inside the folder (no rooted path, no "..").</summary>
    static bool Safe(string rel) => rel.Length > 0 && !Path.IsPathRooted(rel) && rel.Split('/').All(p => p is not ("" or "." or ".."));

    static IEnumerable<string> FilesIn(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir, f).Replace(Path.DirectorySeparatorChar, '/'));

    // ------------------------------------------------------------------ putting the new files in place

    /// <summary>Replaces a previous result by the staged one: old to a hidden backup, new into place, backup deleted.</summary>
    static void Swap(string full, string staging)
    {
        var backup = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}{BackupTag}{Environment.ProcessId}");
        Directory.Move(full, backup);
        try { Directory.Move(staging, full); }
        catch
        {
            Directory.Move(backup, full);
            throw;
        }
        try { Remove(backup); }
        catch (IOException) { } // left for the next write to this folder to remove
    }

    /// <summary>
    /// --force into a folder with other files: each staged file replaces its namesake (the manifest last); files
    /// the previous manifest listed that this write does not produce are removed; nothing else is touched.
    /// </summary>
    static void WriteAmong(string full, string staging, List<string> files, HashSet<string> previous)
    {
        foreach (var f in files)
        {
            var target = Path.Combine(full, f);
            if (Directory.Exists(target)) throw new OutputPathException($"--out {full}: {f} is a folder; rareearth writes a file of that name");
            for (var up = Path.GetDirectoryName(target)!; up.Length > full.Length; up = Path.GetDirectoryName(up)!)
                if (File.Exists(up)) throw new OutputPathException($"--out {full}: {Path.GetRelativePath(full, up)} is a file; rareearth writes a folder of that name");
        }
        foreach (var f in files)
        {
            var target = Path.Combine(full, f);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(Path.Combine(staging, f), target, overwrite: true);
        }
        foreach (var f in previous.Except(files).Where(f => f != MarkerFile))
        {
            var target = Path.Combine(full, f);
            if (File.Exists(target)) File.Delete(target);
        }
    }

    // ------------------------------------------------------------------ after a crash

    /// <summary>
    /// Cleans up after writers of <paramref name="full"/> that were killed: their staging folders go (found by name and
    /// by their marker, which no live writer holds); a backup goes, or is restored when the folder itself is missing.
    /// </summary>
    public static void Recover(string full)
    {
        var parent = Path.GetDirectoryName(full)!;
        var name = Path.GetFileName(full);
        if (!Directory.Exists(parent)) return;
        foreach (var dir in Directory.EnumerateDirectories(parent, $".{name}.*"))
        {
            var tail = Path.GetFileName(dir)[(name.Length + 1)..];
            if (tail.StartsWith(StagingTag, StringComparison.Ordinal) && IsPid(tail[StagingTag.Length..]))
            {
                if (!Abandoned(dir)) continue;
                if (File.Exists(Path.Combine(dir, MarkerFile))) Remove(dir);
                else if (!Directory.EnumerateFileSystemEntries(dir).Any()) Directory.Delete(dir);
            }
            else if (tail.StartsWith(BackupTag, StringComparison.Ordinal) && IsPid(tail[BackupTag.Length..]))
            {
                var staging = Path.Combine(parent, $".{name}{StagingTag}{tail[BackupTag.Length..]}");
                if (Directory.Exists(staging) && !Abandoned(staging)) continue; // its writer is between its two renames
                if (Inspect(dir) is not { Foreign.Count: 0, Entries: > 0 }) continue;
                if (!Directory.Exists(full)) Directory.Move(dir, full);
                else Remove(dir);
            }
            else if (tail.StartsWith(LegacyTag, StringComparison.Ordinal) && IsPid(tail[LegacyTag.Length..]) && LegacyPartial(dir))
                Directory.Delete(dir, true);
        }
    }

    /// <summary>
    /// Deletes a staging folder or backup of the tool, its marker and manifests last: a kill while deleting leaves a
    /// folder that is still recognised as the tool's, and removed by the next write.
    /// </summary>
    static void Remove(string dir)
    {
        var last = Manifests.Append(MarkerFile).Select(m => Path.Combine(dir, m)).ToHashSet();
        foreach (var f in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Where(f => !last.Contains(f)).ToList()) File.Delete(f);
        foreach (var f in last) File.Delete(f);
        Directory.Delete(dir, true);
    }

    /// <summary>True when no live writer holds the staging folder's marker.</summary>
    static bool Abandoned(string staging)
    {
        var marker = Path.Combine(staging, MarkerFile);
        if (!File.Exists(marker)) return true;
        try
        {
            using var _ = new FileStream(marker, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return true;
        }
        catch (IOException) { return false; }
    }

    /// <summary>A staging folder of a version before manifests (<c>.NAME.partial-PID</c>): only run's file names in it.</summary>
    static bool LegacyPartial(string dir) =>
        FilesIn(dir).All(f => LegacyRunFiles.Contains(f) || (f.StartsWith("charts/", StringComparison.Ordinal) && f.Count(c => c == '/') == 1 &&
                                                             (f.EndsWith(".png", StringComparison.Ordinal) || f.EndsWith(".svg", StringComparison.Ordinal)))) &&
        Directory.EnumerateDirectories(dir).All(d => Path.GetFileName(d) == "charts");

    static bool IsPid(string s) => s.Length is > 0 and < 11 && s.All(char.IsAsciiDigit);
}
