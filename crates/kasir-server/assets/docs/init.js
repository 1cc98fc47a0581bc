// Starts Swagger UI on this server's OpenAPI document. Kept out of the page so its CSP needs no inline script.
window.ui = SwaggerUIBundle({
  url: "/api/v1/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  // The default validator is a badge fetched from validator.swagger.io: nothing may leave the shop's network.
  validatorUrl: null,
});
