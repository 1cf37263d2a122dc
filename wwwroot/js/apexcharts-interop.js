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

// Chart labels are names from ingested data (teams, clusters, namespaces, registries). ApexCharts 4.7 writes some
// strings with innerHTML: the tooltip title (x value), the tooltip's series names, the legend, the x-axis tooltip and
// the z title. Everything else it draws as SVG text (textContent: axis labels, data labels, titles), which is already
// literal. So this module, the one place every chart goes through, HTML-encodes exactly what reaches an innerHTML
// sink, and leaves SVG text alone so "R&D" still reads "R&D" on an axis.
const htmlEntities = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };
const encodedMark = Symbol('k8posture.htmlEncoded');

export function encodeHtml(value) {
    if (value === null || value === undefined) {
        return '';
    }
    const text = Array.isArray(value) ? value.join(' ') : String(value);
    return text.replace(/[&<>"'`]/g, c => htmlEntities[c]);
}

function encoding(formatter, fallback) {
    if (formatter?.[encodedMark]) {
        return formatter;
    }
    const encoded = (value, context) => encodeHtml(typeof formatter === 'function' ? formatter(value, context) : fallback(value));
    encoded[encodedMark] = true;
    return encoded;
}

/** Installs encoding formatters for every string ApexCharts puts into the page as HTML. */
export function encodeHtmlLabels(options) {
    options.tooltip ??= {};
    const tooltip = options.tooltip;
    // A numeric or datetime x axis has numbers there, formatted by ApexCharts itself; only text needs encoding.
    if (!['datetime', 'numeric'].includes(options.xaxis?.type)) {
        tooltip.x ??= {};
        tooltip.x.formatter = encoding(tooltip.x.formatter, value => value);
    }
    tooltip.y ??= {};
    tooltip.y.title ??= {};
    // ApexCharts' own default is "name: ".
    tooltip.y.title.formatter = encoding(tooltip.y.title.formatter, name => name ? `${name}: ` : '');
    if (tooltip.z?.title !== undefined) {
        tooltip.z.title = encodeHtml(tooltip.z.title);
    }
    if (typeof options.xaxis?.tooltip?.formatter === 'function') {
        options.xaxis.tooltip.formatter = encoding(options.xaxis.tooltip.formatter);
    }
    options.legend ??= {};
    options.legend.formatter = encoding(options.legend.formatter, name => name);
    if (typeof options.legend.tooltipHoverFormatter === 'function') {
        options.legend.tooltipHoverFormatter = encoding(options.legend.tooltipHoverFormatter);
    }
    return options;
}

// Count axes (findings, alerts, images) carry `countAxis: true` (src/Shared/Charts/ChartAxes.cs). With a small largest
// count ApexCharts steps in fractions (0, 0.5, 1, 1.5); such an axis gets one tick per whole number up to that count,
// and every tick label is a whole number. Computed again from the original axis whenever the data changes.
const smallestNiceCount = 10;

function largestTotal(options, series) {
    const values = (series ?? []).map(s => (s?.data ?? []).map(v => (typeof v === 'number' ? v : Number(v?.y ?? v) || 0)));
    if (values.length === 0) {
        return 0;
    }
    if (options.chart?.stacked) {
        const length = Math.max(...values.map(v => v.length));
        return Math.max(0, ...Array.from({ length }, (_, i) => values.reduce((sum, v) => sum + Math.max(0, v[i] ?? 0), 0)));
    }
    return Math.max(0, ...values.flat());
}

function countAxisSettings(axis, top) {
    const settings = { ...axis, labels: { ...(axis.labels ?? {}), formatter: value => (Number.isFinite(value) ? String(Math.round(value)) : value) } };
    delete settings.countAxis;
    if (top <= smallestNiceCount) {
        const max = Math.max(1, Math.ceil(top));
        Object.assign(settings, { min: 0, max, tickAmount: max, forceNiceScale: false });
    }
    return settings;
}

/** The count axes of options (y, or x of a horizontal bar chart) set for the data in series; other axes untouched. */
export function countAxes(options, series) {
    const top = largestTotal(options, series);
    const patch = {};
    if (Array.isArray(options.yaxis) ? options.yaxis.some(a => a?.countAxis) : options.yaxis?.countAxis) {
        patch.yaxis = Array.isArray(options.yaxis)
            ? options.yaxis.map(a => (a?.countAxis ? countAxisSettings(a, top) : a))
            : countAxisSettings(options.yaxis, top);
    }
    if (options.xaxis?.countAxis) {
        patch.xaxis = countAxisSettings(options.xaxis, top);
    }
    return patch;
}

function keyOf(elementOrId) {
    return typeof elementOrId === 'string' ? document.getElementById(elementOrId) : elementOrId;
}

export async function create(element, options, dotNetRef) {
    const ApexCharts = await loadApexCharts();
    destroy(element);
    // The page may have moved on while the library loaded (a navigation, a re-keyed chart): there is nothing to draw into.
    if (!element?.isConnected) {
        return;
    }
    options = encodeHtmlLabels(options ?? {});
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
    // The axes as .NET sent them, before countAxes() fixes their ticks for this data.
    const axes = { chart: { stacked: options.chart.stacked }, xaxis: options.xaxis, yaxis: options.yaxis };
    Object.assign(options, countAxes(options, options.series));
    const chart = new ApexCharts(element, options);
    charts.set(element, { chart, axes });
    try {
        await chart.render();
    } catch (error) {
        // Removed from the page while drawing (ApexCharts: "Element not found"): that chart is gone, not failed.
        if (element.isConnected) {
            throw error;
        }
        charts.delete(element);
    }
}

export async function updateSeries(elementOrId, series) {
    const entry = charts.get(keyOf(elementOrId));
    if (entry) {
        const patch = countAxes(entry.axes, series);
        if (Object.keys(patch).length > 0) {
            await entry.chart.updateOptions(patch, false, false);
        }
        await entry.chart.updateSeries(series, true);
    }
}

export async function updateOptions(elementOrId, options) {
    const entry = charts.get(keyOf(elementOrId));
    if (entry) {
        await entry.chart.updateOptions(encodeHtmlLabels(options ?? {}), false, true);
    }
}

export function destroy(elementOrId) {
    const element = keyOf(elementOrId);
    const entry = charts.get(element);
    if (entry) {
        charts.delete(element);
        try {
            entry.chart.destroy();
        } catch {
            // Already taken out of the page with its element; ApexCharts cannot detach it again.
        }
    }
}
