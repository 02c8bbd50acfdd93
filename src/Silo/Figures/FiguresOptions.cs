using Microsoft.Extensions.Configuration;

namespace Matchmaker.Silo.Figures;

/// <summary>
/// The heavy lane's limits, per node. <c>Figures:LaneThreads</c> (default: half the cores, at least 1): threads that run
/// re-matches, sweeps and what-ifs; <c>Figures:LaneCapacity</c> (default 4): computations admitted at once, running or
/// waiting for a lane thread; <c>Figures:PerCaller</c> (default 1): of those, how many one caller may have;
/// <c>Figures:WaitSeconds</c> (default 5): how long a request waits for its computation before the page says it is
/// still busy; <c>Figures:WhatIfRunsPerRegionPerDay</c> (default 50): stored what-if runs a region's municipality may
/// make per day (UTC). Values below 1 count as 1.
/// </summary>
public sealed record FiguresOptions(int LaneThreads, int LaneCapacity, int PerCaller, TimeSpan Wait, int WhatIfRunsPerRegionPerDay)
{
    public static FiguresOptions FromConfiguration(IConfiguration configuration) => new(
        Math.Max(1, configuration.GetValue("Figures:LaneThreads", Environment.ProcessorCount / 2)),
        Math.Max(1, configuration.GetValue("Figures:LaneCapacity", 4)),
        Math.Max(1, configuration.GetValue("Figures:PerCaller", 1)),
        TimeSpan.FromSeconds(Math.Max(0.1, configuration.GetValue("Figures:WaitSeconds", 5.0))),
        Math.Max(1, configuration.GetValue("Figures:WhatIfRunsPerRegionPerDay", 50)));
}
