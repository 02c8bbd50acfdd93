namespace Matchmaker.LoadTests;

/// <summary>The machine's CPU counters (Linux <c>/proc/stat</c>): how busy all cores were between two readings.</summary>
public sealed record MachineCpu(long Busy, long Total)
{
    public static MachineCpu Read()
    {
        if (!File.Exists("/proc/stat")) return new MachineCpu(0, 0);
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        var idle = fields[3] + fields[4];
        return new MachineCpu(fields.Sum() - idle, fields.Sum());
    }

    public double BusySince(MachineCpu before) =>
        Total == before.Total ? double.NaN : (double)(Busy - before.Busy) / (Total - before.Total);
}
