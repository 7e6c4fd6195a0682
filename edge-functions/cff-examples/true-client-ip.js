// viewer-request, cloudfront-js-1.0 or 2.0: tell the origin who the viewer is.
function handler(event) {
  var request = event.request
  request.headers['true-client-ip'] = { value: event.viewer.ip }
  return request
}
