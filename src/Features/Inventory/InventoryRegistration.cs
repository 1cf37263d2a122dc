using K8Posture.Features.Demo;
using K8Posture.Features.Inventory.Parsing;
using K8Posture.Features.Reports;

namespace K8Posture.Features.Inventory;

public static class InventoryRegistration
{
    public static IServiceCollection AddInventory(this IServiceCollection services)
    {
        // Detection tries them in this order: the JSON shapes first, CSVs last (their sniff is the weakest).
        services.AddSingleton<IInventoryParser, AksClusterListParser>();
        services.AddSingleton<IInventoryParser, EksClusterParser>();
        services.AddSingleton<IInventoryParser, GkeClusterListParser>();
        services.AddSingleton<IInventoryParser, NmapXmlParser>();
        services.AddSingleton<IInventoryParser, MdmDesktopCsvParser>();
        services.AddSingleton<IInventoryParser, EgressCsvParser>();
        services.AddSingleton<InventoryFormatDetector>();
        services.AddSingleton<InventoryChangeNotifier>();
        services.AddScoped<InventoryIngestor>();
        services.AddScoped<InventoryQueries>();
        services.AddScoped<IExportSource, InventoryExportSource>();
        services.AddScoped<IDemoSeedContributor, InventoryDemoSeed>();
        return services;
    }

    public static IEndpointRouteBuilder MapInventory(this IEndpointRouteBuilder endpoints) => endpoints.MapInventoryEndpoints();
}
