using System.Diagnostics;
using BenchmarkDotNet.Running;
using Matchmaker.LoadTests;
using Matchmaker.Matching;

// Subcommands: see README.md beside this file.
return args.FirstOrDefault() switch
{
    "bench" => RunBenchmarks(args[1..]),
    "instance" => WriteInstance(args[1..]),
    "time" => TimeSolves(args[1..]),
    "families" => FamiliesCommand.Run(args[1..]) is 0 ? 0 : Usage(),
    "matrix" => args.Length == 3 ? ExpandedMatrix.Write(args[1], args[2]) : Usage(),
    "latency" => await LatencyCommand.RunAsync(args[1..]),
    "cycles" => await CyclesCommand.RunAsync(args[1..]),
    "pgbench" => await PgbenchCommand.RunAsync(args[1..]),
    "versus" => await VersusCommand.RunAsync(args[1..]),
    "fanout" => await FanoutCommand.RunAsync(args[1..]),
    DeskProcess.Command => await DeskProcess.RunChildAsync(args[1..]),
    "failover" => await FailoverCommand.RunAsync(args[1..]),
    "feeds" => await FeedsCommand.RunAsync(args[1..]),
    "heavy" => await HeavyCommand.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        Usage: dotnet run -c Release --project loadtests/Matchmaker.LoadTests -- <command>
          bench [BenchmarkDotNet options]        the matcher benchmarks (region and country), e.g. bench --filter '*'
          instance region|country|region-family|country-family|dense-family [seed] [siblingShare]
                                                 write a generated instance as JSON (for the Silo's solve command)
          families region|country|dense [SEEDS] [RUNS]
                                                 the matcher on SEEDS generated instances of a family (2-8 % in sibling
                                                 groups, 4-16 care types, 1-16 units per offering; dense: 5,000 children
                                                 on 1,250 offerings of 0-3 units in one region), median and worst;
                                                 RUNS 0: only the branch counts of the sibling groups per seed
          matrix INSTANCE.json MATRIX.npy       the instance as an assignment matrix (a column per unit) for
                                                 loadtests/scipy/linear_sum_assignment.py
          time region|country [runs] [siblingShare]
                                                 solve generated instances and print wall time and peak memory
          latency [nodeA-url] [nodeB-url] [changes]
                                                 capacity update on node A to availabilityChanged at a desk client on node B
                                                 (demo mode; default http://127.0.0.1:5080 for both, 50 changes)
          cycles NODE[,NODE...] CLIENTS spread|hot [SECONDS] [OFFERINGS]
                                                 hold + decline cycles through the API (demo mode), clients over the nodes
          pgbench NPGSQL-CONNECTION-STRING CLIENTS spread|hot [SECONDS] [OFFERINGS]
                                                 the same cycle's essential SQL run by pgbench on the same database
          versus NODE[,NODE...] NPGSQL-CONNECTION-STRING CLIENTS [TURNS] [SECONDS]
                                                 cycles through the API and pgbench in turns of SECONDS each, side by
                                                 side in one run; each turn's ratio, their median and range
          fanout NODE[,NODE...] CLIENTS [CHANGES] [--processes N] [--node-pids PID[,PID...]] [--signalr-client] [--each]
                                                 live desk clients over the nodes; capacity change to every client;
                                                 --processes: the clients spread over N processes of the console;
                                                 --node-pids: the nodes' CPU beside the console's;
                                                 --each: every change's first, median, p99 and slowest desk
          feeds NPGSQL-CONNECTION-STRING NODE[,NODE...] [MINUTES] [HOLD-CLIENTS] [--without-feeds]
                                                 every provider system feeds all its offerings once a minute while desks
                                                 hold and release and one desk per region watches live (demo mode)
          heavy NODE [SECONDS] [HOLD-CLIENTS] [--rematch-tabs 20] [--sweep-tabs 20] [--sweep-regions 1]
                [--impatient] [--log NODE-LOG-FILE]
                                                 hold + decline cycles alone, then beside floods of national re-matches and
                                                 sweeps through the web (demo mode); p50/p99 of both, and the stalls logged
          failover kill|rolling [CLIENTS]        holds on a hot offering while ./cluster.sh kills node 1, or restarts
                                                 every node in turn (run from the repository root)
        """);
    return 2;
}

static int RunBenchmarks(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(MatcherBenchmarks).Assembly).Run(args.Length == 0 ? ["--filter", "*"] : args);
    return 0;
}

static MatchingInstance Make(string size, int seed, double? siblingShare) => size switch
{
    "region-family" => MarketInstances.Family("region", seed).Instance,
    "country-family" => MarketInstances.Family("country", seed).Instance,
    "dense-family" => MarketInstances.Family("dense", seed).Instance,
    "region" => MarketInstances.Region(seed, siblingShare ?? 0.04),
    "country" => MarketInstances.Country(seed, siblingShare ?? 0.0),
    _ => throw new ArgumentException($"Unknown size '{size}': use region or country."),
};

static int WriteInstance(string[] args)
{
    if (args.Length == 0) return Usage();
    var instance = Make(args[0], args.Length > 1 ? int.Parse(args[1]) : 1, args.Length > 2 ? double.Parse(args[2]) : null);
    Console.Out.Write(InstanceWriter.ToJson(instance));
    return 0;
}

static int TimeSolves(string[] args)
{
    if (args.Length == 0) return Usage();
    var runs = args.Length > 1 ? int.Parse(args[1]) : 5;
    var siblingShare = args.Length > 2 ? double.Parse(args[2]) : (double?)null;
    var times = new List<double>();
    for (var seed = 1; seed <= runs; seed++)
    {
        var instance = Make(args[0], seed, siblingShare);
        var clock = Stopwatch.StartNew();
        var result = Matcher.Solve(instance);
        clock.Stop();
        times.Add(clock.Elapsed.TotalMilliseconds);
        Console.Out.WriteLine($"seed {seed}: {clock.Elapsed.TotalMilliseconds:0.0} ms, placed {result.Assignments.Count} of {instance.Requests.Count} " +
            $"[{string.Join(", ", result.Objective.AssignedByPriority)}], groups {instance.Requests.Where(r => r.SiblingGroup is not null).Select(r => r.SiblingGroup).Distinct().Count()}");
    }
    times.Sort();
    Console.Out.WriteLine($"median {times[times.Count / 2]:0.0} ms, max {times[^1]:0.0} ms, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MB");
    return 0;
}
