// ES module used by src/Shared/Charts/ApexChart.razor. The vendored ApexCharts script is a UMD
// bundle, so it is loaded once as a classic script and read from window.ApexCharts.
const scriptUrl = new URL('../lib/apexcharts/apexcharts.min.js', import.meta.url).href;
let loading;
const charts = new Map();

function loadApexCharts() {
    if (window.ApexCharts) {
        return Promise.resolve(window.ApexCharts);
    }
    loading ??= new Promise((resolve, reject) => {
        const script = document.createElement('script');
        script.src = scriptUrl;
        script.async = true;
        script.onload = () => resolve(window.ApexCharts);
        script.onerror = () => {
            loading = undefined;
            reject(new Error(`Could not load ${scriptUrl}`));
        };
        document.head.appendChild(script);
    });
    return loading;
}

function keyOf(elementOrId) {
    return typeof elementOrId === 'string' ? document.getElementById(elementOrId) : elementOrId;
}

export async function create(element, options, dotNetRef) {
    const ApexCharts = await loadApexCharts();
    destroy(element);
    options = options ?? {};
    options.chart = options.chart ?? {};
    options.chart.events = options.chart.events ?? {};
    options.chart.events.dataPointSelection = (_event, _context, config) => {
        try {
            // The circuit may be gone by the time someone clicks; nothing to tell then.
            dotNetRef?.invokeMethodAsync('OnDataPointSelected', config.seriesIndex, config.dataPointIndex)
                .catch(() => { });
        } catch {
        }
    };
    const chart = new ApexCharts(element, options);
    charts.set(element, chart);
    await chart.render();
}

export async function updateSeries(elementOrId, series) {
    const chart = charts.get(keyOf(elementOrId));
    if (chart) {
        await chart.updateSeries(series, true);
    }
}

export async function updateOptions(elementOrId, options) {
    const chart = charts.get(keyOf(elementOrId));
    if (chart) {
        await chart.updateOptions(options, false, true);
    }
}

export function destroy(elementOrId) {
    const element = keyOf(elementOrId);
    const chart = charts.get(element);
    if (chart) {
        charts.delete(element);
        chart.destroy();
    }
}
