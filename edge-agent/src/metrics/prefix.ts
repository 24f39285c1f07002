/** Every metric name of the agent starts with this; process default metrics too. */
export const METRIC_PREFIX = 'coldtrace_agent_';
