/**
 * Stands in for the HTML page of @probot/adapter-aws-lambda-serverless (views/probot.js), in the
 * Lambda bundles only. The adapter serves it for `GET /probot`, an event the webhooks function
 * never gives it (src/lambda/adapter-receiver.ts sends POST to the webhook path).
 */
export const template = "";
