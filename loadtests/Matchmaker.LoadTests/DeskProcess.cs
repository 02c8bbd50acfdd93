using System.Diagnostics;

namespace Matchmaker.LoadTests;

/// <summary>
/// A share of a fan-out run's desk clients in a process of their own (<c>fanout --processes N</c>), so that no single
/// process's socket thread receives every desk's message in turn. The child connects its desks, says how many, waits
/// for a line on its standard input, then writes the moments its desks heard each change, one line per desk.
/// </summary>
public sealed class DeskProcess : IAsyncDisposable
{
    public const string Command = "fanout-desks";
    private const string Report = "report";
    private const string End = "end";
    private readonly Process _process;

    public int Connected { get; }
    public int Failed { get; }

    private readonly int _changes;

    private DeskProcess(Process process, int connected, int failed, int changes) =>
        (_process, Connected, Failed, _changes) = (process, connected, failed, changes);

    public static async Task<DeskProcess> StartAsync(string nodes, int first, int count, WatchedChanges watched, bool official)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") start.ArgumentList.Add(typeof(DeskProcess).Assembly.Location);
        foreach (var argument in new[] { Command, nodes, $"{first}", $"{count}", $"{watched.OfferingId}", $"{watched.BaseTotal}", $"{watched.Changes}" })
            start.ArgumentList.Add(argument);
        if (official) start.ArgumentList.Add("--signalr-client");
        start.Environment[FanoutCommand.InlineCompletions] = "1";
        var process = Process.Start(start)!;
        var said = (await process.StandardOutput.ReadLineAsync())?.Split(' ');
        if (said is not ["connected", var connected, var failed])
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw new InvalidOperationException($"A desk process for clients {first}-{first + count - 1} stopped before its desks were connected.");
        }
        return new DeskProcess(process, int.Parse(connected), int.Parse(failed), watched.Changes);
    }

    /// <summary>The CPU the process has used so far.</summary>
    public TimeSpan Cpu()
    {
        _process.Refresh();
        if (_process.HasExited) throw new InvalidOperationException("A desk process stopped during the run.");
        return _process.TotalProcessorTime;
    }

    /// <summary>What each of its desks still connected heard: per change the moment, or 0 when it never did.</summary>
    public async Task<List<long[]>> HeardAsync()
    {
        await _process.StandardInput.WriteLineAsync(Report);
        await _process.StandardInput.FlushAsync();
        var heard = new List<long[]>();
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line == End) return heard;
            var moments = line.Split(' ').Select(long.Parse).ToArray();
            if (moments.Length != _changes) break;
            heard.Add(moments);
        }
        throw new InvalidOperationException("A desk process stopped before it had reported every desk.");
    }

    /// <summary>The child's side: <c>fanout-desks NODES FIRST COUNT OFFERING BASE-TOTAL CHANGES [--signalr-client]</c>.</summary>
    public static async Task<int> RunChildAsync(string[] args)
    {
        var watched = new WatchedChanges(Guid.Parse(args[3]), int.Parse(args[4]), int.Parse(args[5]));
        await using var crowd = await DeskCrowd.ConnectAsync(LoadMarket.ParseNodes(args[0]), int.Parse(args[1]), int.Parse(args[2]), watched,
            official: args.Contains("--signalr-client"));
        Console.Out.WriteLine($"connected {int.Parse(args[2]) - crowd.Failed} {crowd.Failed}");
        // The parent's line ends the watch; the end of its input (it stopped) ends the process without a report, which no
        // one would read. Console input blocks its thread, and this code may be running on a socket engine thread (inline
        // completions), which the desks' receives need.
        if (await Task.Factory.StartNew(Console.In.ReadLine, TaskCreationOptions.LongRunning) != Report) return 1;
        var report = new System.Text.StringBuilder();
        foreach (var heard in crowd.StillConnected()) report.AppendJoin(' ', heard).Append('\n');
        report.Append(End).Append('\n');
        Console.Out.Write(report.ToString());
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
