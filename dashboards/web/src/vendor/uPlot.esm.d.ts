/**
 * Types of the uPlot chart library (npm `uplot`) for its ES module build, which the page loads from
 * `./vendor/uPlot.esm.js` as it is (scripts/copy-assets.mjs copies it next to the page's modules: no bundler).
 */
import uPlot from 'uplot';
export default uPlot;
