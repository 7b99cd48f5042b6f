//Maya ASCII 2018 scene
//Name: same_short_names.ma
//Codeset: UTF-8
requires maya "2018";
currentUnit -l centimeter -a degree -t film;
fileInfo "application" "maya";
fileInfo "product" "Maya 2018";
createNode transform -s -n "persp";
createNode camera -s -n "perspShape" -p "persp";
	setAttr -k off ".v" no;
	setAttr ".rnd" no;
createNode transform -n "shotA";
createNode transform -n "camera1" -p "shotA";
createNode camera -n "cameraShape1" -p "camera1";
	setAttr -k off ".v";
	setAttr ".rnd" no;
createNode transform -n "shotB";
createNode transform -n "camera1" -p "shotB";
createNode camera -n "cameraShape1" -p "|shotB|camera1";
	setAttr -k off ".v";
createNode renderLayerManager -n "renderLayerManager";
	setAttr -s 2 ".rlmi[1]"  1;
createNode renderLayer -n "defaultRenderLayer";
	setAttr ".g" yes;
createNode renderLayer -n "shotALayer";
	setAttr -s 2 ".adjs";
	setAttr ".adjs[0].val" yes;
	setAttr ".adjs[1].val" no;
	setAttr ".rlid" 1;
select -ne :defaultRenderGlobals;
	setAttr ".ren" -type "string" "arnold";
	setAttr ".an" yes;
connectAttr "shotA|camera1|cameraShape1.rnd" "shotALayer.adjs[0].plg";
connectAttr "|shotB|camera1|cameraShape1.rnd" "shotALayer.adjs[1].plg";
connectAttr "renderLayerManager.rlmi[1]" "shotALayer.rlid";
// End of same_short_names.ma
