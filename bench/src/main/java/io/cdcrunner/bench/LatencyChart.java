package io.cdcrunner.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws latency distributions as percentile curves: x is the percentile on a "nines" scale (1 = 90%,
 * 2 = 99%, 3 = 99.9%), y the latency in milliseconds on a log scale. One panel per phase.
 */
final class LatencyChart {

    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b)};

    /** One curve: its label, whether it is a baseline (dashed), and its [percentile, ms] points. */
    record Curve(String label, boolean baseline, int colorIndex, List<List<Double>> points) {
    }

    /** One panel; {@code logarithmic} latency axis unless the latencies span less than a decade. */
    record Panel(String title, boolean logarithmic, List<Curve> curves) {
    }

    private LatencyChart() {
    }

    static void write(List<Panel> panels, Path png) throws IOException {
        List<XYChart> charts = new ArrayList<>();
        for (Panel panel : panels) {
            charts.add(chart(panel));
        }
        // XChart's grid needs every cell filled: one row.
        BitmapEncoder.saveBitmap(charts, 1, charts.size(), png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static XYChart chart(Panel panel) {
        XYChart chart = new XYChartBuilder().width(640).height(480).title(panel.title())
                .xAxisTitle("percentile, in nines: 1 = 90%, 2 = 99%, 3 = 99.9%, 4 = 99.99%").yAxisTitle("commit-to-processed latency (ms)").build();
        chart.getStyler().setYAxisLogarithmic(panel.logarithmic())
                .setLegendPosition(Styler.LegendPosition.InsideNW)
                .setMarkerSize(0)
                .setChartBackgroundColor(Color.WHITE);
        // Plain decimal ticks: XChart's tick layout did not terminate with a custom label function here.
        chart.getStyler().setXAxisMin(0.0).setXAxisMax(4.0).setXAxisDecimalPattern("0.#");
        for (Curve curve : panel.curves()) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (List<Double> point : curve.points()) {
                double nines = point.get(0) >= 100.0 ? 4.0 : Math.min(4.0, -Math.log10(1 - point.get(0) / 100.0));
                x.add(nines);
                // A log axis cannot show 0 ms (rows processed before the COMMIT call returned): drawn at 0.1 ms.
                y.add(panel.logarithmic() ? Math.max(0.1, point.get(1)) : point.get(1));
            }
            if (x.isEmpty()) {
                continue;
            }
            XYSeries series = chart.addSeries(curve.label(), x, y);
            series.setMarker(SeriesMarkers.NONE);
            series.setLineColor(COLORS[curve.colorIndex() % COLORS.length]);
            series.setLineStyle(curve.baseline()
                    ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f)
                    : new BasicStroke(2f));
        }
        return chart;
    }

    /** The curve points of a run's phase, as parsed back from its JSON. */
    @SuppressWarnings("unchecked")
    static List<List<Double>> points(Map<String, Object> run, String phase) {
        Map<String, Object> stats = (Map<String, Object>) run.get(phase);
        List<List<Number>> raw = (List<List<Number>>) stats.get("curve");
        List<List<Double>> points = new ArrayList<>();
        for (List<Number> p : raw) {
            points.add(List.of(p.get(0).doubleValue(), p.get(1).doubleValue()));
        }
        return points;
    }
}
