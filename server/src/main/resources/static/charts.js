// Draws every element with data-chart: its data-series holds {days: [...], series: [{name, data}]}.
document.querySelectorAll('[data-chart]').forEach(element => {
  const data = JSON.parse(element.dataset.series);
  const stacked = element.dataset.chart === 'stacked';
  echarts.init(element).setOption({
    animation: false,
    color: data.colors,
    tooltip: { trigger: 'axis' },
    legend: stacked ? { top: 0 } : undefined,
    grid: { left: 40, right: 16, top: stacked ? 40 : 16, bottom: 30 },
    xAxis: { type: 'category', data: data.days },
    yAxis: { type: 'value', minInterval: stacked ? 0 : 1, max: data.max },
    series: data.series.map(s => ({ name: s.name, data: s.data, type: stacked ? 'bar' : 'line', stack: stacked ? 'time' : undefined, connectNulls: true }))
  });
});
