using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using RareEarth.Runner.Batch;

namespace RareEarth.Cli;

/// <summary>
/// <c>cluster slurm SCENARIO --runs N --shards K ...</c>: writes a Slurm job-array script (one shard of the batch per
/// array task) and a merge job into a folder and submits them with sbatch, the merge depending on every task
/// (<c>--dependency=afterok</c>). <c>--dry-run</c> only writes them. See docs/cluster.md.
/// </summary>
internal static class ClusterCommand
{
    public const string ArrayScript = "shards.sbatch", MergeScript = "merge.sbatch", Merged = "all.duckdb";

    public static Command Create()
    {
        var cluster = new Command("cluster", "Run a batch on a cluster: 'cluster slurm' writes and submits a Slurm job array (one shard per task) and the job that merges the shards.");
        cluster.Subcommands.Add(Slurm());
        return cluster;
    }

    static Command Slurm()
    {
        var scenario = new Argument<string>("scenario") { Description = "Scenario file (YAML) declaring 'uncertain:' parameters" };
        var runs = new Option<int>("--runs") { Description = "Runs (mc, lhs) or base samples N (sobol: N·(d+2) runs), as for batch", Required = true };
        var shards = new Option<int>("--shards") { Description = "Array tasks: the batch is split into this many shards, one per task (at most --runs; Slurm's MaxArraySize is often 1001)", Required = true };
        var design = new Option<string>("--design") { Description = "mc, lhs or sobol, as for batch", DefaultValueFactory = _ => "lhs" };
        design.AcceptOnlyFromAmong("mc", "lhs", "sobol");
        var seed = Common.MasterSeedOption("as for batch; every shard plans the whole batch from it");
        var set = Common.SetOption();
        var outDir = new Option<string?>("--out") { Description = "Folder for the scripts, logs/, the shard stores shard-K.duckdb and the merged all.duckdb (default results/slurm/<scenario>-<design>-seed<S>); on a file system the compute nodes share" };
        var exe = new Option<string?>("--executable") { Description = "The rareearth the tasks run: a published single-file executable, an apphost, or a rareearth.dll (run with dotnet); default: the one running this command" };
        var partition = new Option<string?>("--partition") { Description = "Slurm partition (sbatch --partition); default: the cluster's default" };
        var time = new Option<string?>("--time") { Description = "Time limit of each task and of the merge (sbatch --time, e.g. 01:00:00); default: the partition's" };
        var mem = new Option<string?>("--mem") { Description = "Memory of each task and of the merge (sbatch --mem, e.g. 2G); default: the partition's" };
        var account = new Option<string?>("--account") { Description = "Slurm account to charge (sbatch --account), if the cluster asks for one" };
        var threads = new Option<int>("--threads") { Description = "CPUs per task (sbatch --cpus-per-task) and worker threads of each shard", DefaultValueFactory = _ => 1 };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only write the two scripts and print how to submit them" };
        var cmd = new Command("slurm", "Write a Slurm job array (one shard of the batch per task) and a merge job into --out, and submit them with sbatch; prints the job ids.")
            { scenario, runs, shards, design, seed, set, outDir, exe, partition, time, mem, account, threads, dryRun };
        cmd.SetAction(parse =>
        {
            int n = parse.GetValue(runs), k = parse.GetValue(shards), t = parse.GetValue(threads);
            if (n < 1) return Refuse("--runs must be at least 1");
            if (k < 1 || k > n) return Refuse($"--shards must be 1 to --runs ({n}), found {k}: each task runs at least one design point");
            if (t is < 1 or > 256) return Refuse($"--threads must be 1 to 256, found {t}");
            foreach (var (name, value) in new[] { ("--partition", parse.GetValue(partition)), ("--time", parse.GetValue(time)), ("--mem", parse.GetValue(mem)), ("--account", parse.GetValue(account)) })
                if (value is not null && !Regex.IsMatch(value, @"^[A-Za-z0-9_.:,+\-]+$")) return Refuse($"{name} '{value}': expected a Slurm value such as 01:00:00, 2G or a partition name");
            var path = parse.GetValue(scenario)!;
            var overrides = parse.GetValue(set) ?? Array.Empty<string>();
            var loaded = BatchCommands.LoadScenario(path, overrides);
            if (loaded is null) return Common.InvalidInput;
            var kind = DesignKinds.Parse(parse.GetValue(design)!);
            int d = loaded.Nominal.Uncertain.Count;
            long total = kind == DesignKind.Sobol ? (long)n * (d + 2) : n;
            if (kind == DesignKind.Sobol && d == 0) return Refuse("a sobol design needs uncertain parameters; the scenario declares none");
            if (total > BatchDesigns.MaxRuns) return Refuse($"{total:N0} runs; a batch may have at most {BatchDesigns.MaxRuns:N0} runs");
            int master = parse.GetValue(seed);
            var dir = Path.GetFullPath(parse.GetValue(outDir) ??
                                       Path.Combine("results", "slurm", $"{Path.GetFileNameWithoutExtension(path)}-{DesignKinds.Name(kind)}-seed{master}"));
            if (Regex.IsMatch(dir, @"[\s%'""\\$`]")) return Refuse($"--out '{dir}': Slurm's #SBATCH lines take no spaces, quotes or % in paths; choose another folder");
            if (Directory.Exists(dir) && Directory.EnumerateFiles(dir, "*.duckdb*").Any())
                return Refuse($"{dir} already holds results stores: it is a submitted job's folder (rerun its failed tasks with sbatch --array=K {Path.Combine(dir, ArrayScript)}, see docs/cluster.md) or choose another --out");
            if (File.Exists(dir)) return Refuse($"--out {dir} is a file; give a folder");
            string[] command;
            try { command = Executable(parse.GetValue(exe)); }
            catch (FileNotFoundException e) { return Refuse(e.Message); }

            var job = new SlurmJob(Path.GetFullPath(path), overrides, n, kind, master, k, t, dir, command,
                                   parse.GetValue(partition), parse.GetValue(time), parse.GetValue(mem), parse.GetValue(account),
                                   Regex.Replace(Path.GetFileNameWithoutExtension(path), @"[^A-Za-z0-9_.-]", "_"));
            Directory.CreateDirectory(Path.Combine(dir, "logs"));
            string arrayPath = Path.Combine(dir, ArrayScript), mergePath = Path.Combine(dir, MergeScript);
            WriteScript(arrayPath, job.ArrayScript());
            WriteScript(mergePath, job.MergeScript());
            int points = n; // design points: runs (mc, lhs) or base samples (sobol); shard k takes the points p with p mod K = k
            string perTask = points % k == 0 ? $"{points / k}" : $"{points / k}-{points / k + 1}";
            string unit = kind == DesignKind.Sobol ? $"design points ({d + 2} runs each)" : "runs";
            Console.WriteLine($"{job.Name}: {DesignKinds.Name(kind)}, {total:N0} runs, master seed {master}, {k} shards ({perTask} {unit} per task, {t} CPU{(t == 1 ? "" : "s")} each)");
            Console.WriteLine($"wrote {arrayPath} (job array 0-{k - 1}) and {mergePath} (merges into {Path.Combine(dir, Merged)})");
            if (parse.GetValue(dryRun))
            {
                Console.WriteLine("dry run: nothing submitted. Submit with:");
                Console.WriteLine($"  jid=$(sbatch --parsable {arrayPath}) && sbatch --dependency=afterok:${{jid%%;*}} {mergePath}");
                return Common.Ok;
            }
            string arrayId, mergeId;
            try { arrayId = Sbatch(arrayPath); }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return Common.Failed;
            }
            try { mergeId = Sbatch($"--dependency=afterok:{arrayId}", mergePath); }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine($"error: the array job {arrayId} is submitted but not the merge: {e.Message}");
                Console.Error.WriteLine($"submit the merge with: sbatch --dependency=afterok:{arrayId} {mergePath}");
                return Common.Failed;
            }
            Console.WriteLine($"submitted: array job {arrayId} (tasks 0-{k - 1}), merge job {mergeId} (starts when every task has succeeded)");
            Console.WriteLine($"  follow: squeue -j {arrayId},{mergeId}   logs: {Path.Combine(dir, "logs")}/   result: {Path.Combine(dir, Merged)}");
            Console.WriteLine($"  a failed or timed-out task K (the merge then waits for ever): scancel {mergeId}; " +
                              $"jid=$(sbatch --parsable --array=K {arrayPath}) && sbatch --dependency=afterok:${{jid%%;*}} {mergePath}");
            return Common.Ok;
        });
        return cmd;
    }

    static int Refuse(string message)
    {
        Console.Error.WriteLine("error: " + message);
        return Common.InvalidInput;
    }

    /// <summary>The command line that runs rareearth on the nodes: the given file, or the executable running now.</summary>
    static string[] Executable(string? given)
    {
        if (given is not null)
        {
            var full = Path.GetFullPath(given);
            if (!File.Exists(full)) throw new FileNotFoundException($"--executable {full} does not exist");
            return full.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? new[] { "dotnet", full } : new[] { full };
        }
        var process = Environment.ProcessPath ?? throw new FileNotFoundException("cannot tell which executable runs this command; give --executable");
        if (Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            return new[] { process, Path.Combine(AppContext.BaseDirectory, "rareearth.dll") };
        return new[] { process };
    }

    static void WriteScript(string path, string text)
    {
        File.WriteAllText(path, text.Replace("\r\n", "\n"));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead |
                                       UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    /// <summary>Runs sbatch --parsable ARGS and returns the job id.</summary>
    static string Sbatch(params string[] args)
    {
        var psi = new ProcessStartInfo("sbatch") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("--parsable");
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process p;
        try { p = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("sbatch not found: run this on a Slurm login node, or use --dry-run to only write the scripts");
        }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            var id = stdout.Result.Trim().Split(';')[0];
            if (p.ExitCode != 0 || !Regex.IsMatch(id, @"^\d+$"))
                throw new InvalidOperationException($"sbatch {string.Join(' ', args)} failed (exit {p.ExitCode}): {Writing.OneLine(stderr.Trim() + " " + stdout.Result.Trim())}");
            return id;
        }
    }
}

/// <summary>The two scripts of a Slurm run of one batch.</summary>
internal sealed record SlurmJob(string Scenario, IReadOnlyList<string> Overrides, int Runs, DesignKind Design, int Seed, int Shards, int Threads,
                                string Dir, IReadOnlyList<string> Command, string? Partition, string? Time, string? Mem, string? Account, string Name)
{
    /// <summary>Quotes a word for bash (single quotes).</summary>
    public static string Q(string s) => Regex.IsMatch(s, @"^[A-Za-z0-9_./:=+,@%-]+$") ? s : "'" + s.Replace("'", "'\\''") + "'";

    string Resources()
    {
        var sb = new StringBuilder();
        sb.Append("#SBATCH --ntasks=1\n");
        sb.Append(CultureInfo.InvariantCulture, $"#SBATCH --cpus-per-task={Threads}\n");
        if (Time is not null) sb.Append($"#SBATCH --time={Time}\n");
        if (Mem is not null) sb.Append($"#SBATCH --mem={Mem}\n");
        if (Partition is not null) sb.Append($"#SBATCH --partition={Partition}\n");
        if (Account is not null) sb.Append($"#SBATCH --account={Account}\n");
        return sb.ToString();
    }

    string Exe => string.Join(' ', Command.Select(Q));

    public string ArrayScript()
    {
        string sets = string.Concat(Overrides.Select(o => " --set " + Q(o)));
        string batch = $"batch {Q(Scenario)} --runs {Runs} --design {DesignKinds.Name(Design)} --seed {Seed}{sets}";
        return $$"""
            #!/bin/bash
            # rareearth on Slurm, written by `rareearth cluster slurm`: one shard of the batch per array task.
            #   {{batch}}
            # split into {{Shards}} shards; task K writes {{Dir}}/shard-K.duckdb.
            # A failed or timed-out task K is rerun alone (it continues its store): sbatch --array=K {{Dir}}/{{ClusterCommand.ArrayScript}}
            #SBATCH --job-name=re-{{Name}}
            #SBATCH --array=0-{{Shards - 1}}
            #SBATCH --output={{Dir}}/logs/shard-%a-job%A.out
            {{Resources()}}
            set -euo pipefail
            shards={{Shards}}   # fixed: not SLURM_ARRAY_TASK_COUNT, which is 1 when a single task is resubmitted
            k=${SLURM_ARRAY_TASK_ID:?submit this script with sbatch: it is a job array}
            store={{Dir}}/shard-$k.duckdb
            threads=${SLURM_CPUS_PER_TASK:-1}
            echo "task $k of $shards on $(hostname), job ${SLURM_ARRAY_JOB_ID:-?}_$k, $threads thread(s)"
            if [ -e "$store" ]; then
              # a rerun of this task: continue the shard's store (only its missing runs)
              exec {{Exe}} batch --resume "$store" --threads "$threads"
            fi
            exec {{Exe}} {{batch}} --shard "$k/$shards" --out "$store" --threads "$threads"

            """;
    }

    public string MergeScript() => $$"""
        #!/bin/bash
        # rareearth on Slurm, written by `rareearth cluster slurm`: joins the shard stores of {{Dir}}/{{ClusterCommand.ArrayScript}}
        # into {{Dir}}/{{ClusterCommand.Merged}}. Submit it with --dependency=afterok:<array job id>. merge refuses an
        # incomplete set and names the missing shards.
        #SBATCH --job-name=re-{{Name}}-merge
        #SBATCH --output={{Dir}}/logs/merge-job%j.out
        {{Resources()}}
        set -euo pipefail
        cd {{Dir}}
        exec {{Exe}} merge --out {{ClusterCommand.Merged}} shard-*.duckdb

        """;
}
