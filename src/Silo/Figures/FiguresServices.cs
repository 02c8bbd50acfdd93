using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Matchmaker.Silo.Figures;

public static class FiguresServices
{
    /// <summary>
    /// The figures area: read models of aggregates (shortage, national) and the heavy operations (national re-match,
    /// what-if), which share one <see cref="HeavyLane"/> per node; the published figures are read through <see cref="FiguresSnapshots"/>.
    /// </summary>
    public static IServiceCollection AddMatchmakerFigures(this IServiceCollection services)
    {
        services.AddSingleton(provider => FiguresOptions.FromConfiguration(provider.GetRequiredService<IConfiguration>()));
        services.AddSingleton<HeavyLane>();
        services.AddSingleton<NationalRematch>();
        services.AddSingleton<WhatIfInputs>();
        services.AddSingleton<WhatIfRuns>();
        services.AddSingleton<FiguresPublication>();
        services.AddSingleton<FiguresSnapshots>();
        services.AddSingleton<RegionPopulations>();
        return services;
    }
}
