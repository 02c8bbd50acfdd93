using Microsoft.Extensions.DependencyInjection;

namespace Matchmaker.Silo.Figures;

public static class FiguresServices
{
    /// <summary>The figures area: read models of aggregates (shortage, national) and the heavy what-if and re-match operations.</summary>
    public static IServiceCollection AddMatchmakerFigures(this IServiceCollection services)
    {
        services.AddSingleton<RegionShortage>();
        services.AddSingleton<NationalOverview>();
        services.AddSingleton<NationalRematch>();
        services.AddSingleton<WhatIfRuns>();
        return services;
    }
}
